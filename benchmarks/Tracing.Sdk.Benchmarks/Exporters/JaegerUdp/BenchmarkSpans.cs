using System.Diagnostics;

namespace Tracing.Sdk.Benchmarks.Exporters.JaegerUdp;

/// <summary>Finished, recorded spans shaped like a typical server span: 5 tags and 1 event.</summary>
internal static class BenchmarkSpans
{
    private static readonly ActivitySource s_source = new("Tracing.Sdk.Benchmarks.JaegerUdp", "1.0.0");
    private static readonly ActivityListener s_listener = CreateListener();

    public static Activity[] Create(int count)
    {
        _ = s_listener;
        var spans = new Activity[count];
        for (var i = 0; i < count; i++)
        {
            var activity = s_source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
            activity.SetTag("http.request.method", "GET");
            activity.SetTag("http.route", "/orders/{id}");
            activity.SetTag("http.response.status_code", 200);
            activity.SetTag("url.path", "/orders/" + i);
            activity.SetTag("server.address", "orders.internal");
            activity.AddEvent(new ActivityEvent("cache miss", tags: new ActivityTagsCollection { ["cache.key"] = "orders:" + i }));
            activity.Stop();
            Activity.Current = null;
            spans[i] = activity;
        }

        return spans;
    }

    private static ActivityListener CreateListener()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, s_source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

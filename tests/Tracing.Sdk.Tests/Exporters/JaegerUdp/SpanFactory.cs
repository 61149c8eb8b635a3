using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.JaegerUdp;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>
/// Makes finished, recorded activities from a source of its own (a listener that only hears that
/// source, so tests running in parallel never see each other's spans), and exporters pointed at a peer.
/// </summary>
internal sealed class SpanFactory : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanFactory(string? version = "1.2.3")
    {
        Source = new ActivitySource($"Jaeger.Tests.{Guid.NewGuid():N}", version);
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, Source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivitySource Source { get; }

    /// <summary>A finished root span (no parent, whatever Activity.Current is).</summary>
    public Activity Root(string name, Action<Activity>? configure = null, ActivityKind kind = ActivityKind.Internal) =>
        Finish(Source.StartActivity(kind, new ActivityContext(), name: name)!, configure);

    /// <summary>A finished span under <paramref name="parent"/>, with <paramref name="links"/>.</summary>
    public Activity Child(string name, ActivityContext parent, Action<Activity>? configure = null, ActivityKind kind = ActivityKind.Internal, IEnumerable<ActivityLink>? links = null) =>
        Finish(Source.StartActivity(kind, parent, links: links, name: name)!, configure);

    public static Batch<Activity> Batch(params Activity[] activities) => new(activities, activities.Length);

    public static JaegerUdpExporter Exporter(int port, string protocol = "compact", int maxPacketSize = 65000, TracingMetrics? metrics = null, TimeProvider? time = null, string host = "127.0.0.1", Func<string, CancellationToken, Task<System.Net.IPAddress[]>>? resolve = null) =>
        new(new JaegerUdpOptions { Host = host, Port = port, Protocol = protocol, MaxPacketSize = maxPacketSize }, "jaeger-tests", metrics ?? new TracingMetrics(), time ?? TimeProvider.System, resolve);

    public void Dispose()
    {
        _listener.Dispose();
        Source.Dispose();
    }

    private static Activity Finish(Activity activity, Action<Activity>? configure)
    {
        configure?.Invoke(activity);
        activity.Stop();

        // StartActivity made it current on this flow: restore the parent so the next root is a root.
        Activity.Current = null;
        return activity;
    }
}

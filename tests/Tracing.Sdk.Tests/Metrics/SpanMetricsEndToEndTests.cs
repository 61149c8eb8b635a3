using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>
/// Span metrics on real Kestrel (127.0.0.1), exported by OTLP to the test receiver beside the traces:
/// counted before sampling, exact per route, with exemplars that name exported traces. Run alone: another
/// host sampling everything at the same moment would record this host's requests too (see SamplingIsolation).
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class SpanMetricsEndToEndTests
{
    private const int Orders = 1200;
    private const int Items = 800;

    [Fact]
    public async Task CallsAndErrors_AreExactPerRoute_WhileAboutOnePercentOfTracesIsExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = "metrics-e2e-" + Guid.NewGuid().ToString("N")[..8];
        var settings = TracingHost.OtlpSettings(receiver, service);
        settings["Tracing:Sampler:Type"] = "probabilistic";
        settings["Tracing:Sampler:Param"] = "0.01";
        settings["Tracing:Metrics:Enabled"] = "true";
        settings["Tracing:Metrics:ExportIntervalMilliseconds"] = "300";
        await using var app = await TracingHost.StartWebAsync(settings, MapRoutes);

        // No trace context from the caller: each request is a root the server's 1% sampler decides.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var requests = Enumerable.Range(0, Orders).Select(i => $"/orders/{i}").Concat(Enumerable.Range(0, Items).Select(i => $"/items/{i}"));
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (path, token) =>
        {
            using var response = await client.GetAsync(path, token);
        });

        var expected = new Dictionary<(string Route, string Status, long Code), long>
        {
            [("GET /orders/{id:int}", "STATUS_CODE_UNSET", 200)] = Orders - (Orders / 10),
            [("GET /orders/{id:int}", "STATUS_CODE_ERROR", 500)] = Orders / 10,
            [("GET /items/{id:int}", "STATUS_CODE_UNSET", 200)] = Items,
        };

        var points = await receiver.WaitForMetricsAsync(
            all => expected.All(e => LatestCalls(all, service, e.Key) == e.Value),
            TimeSpan.FromSeconds(60));
        foreach (var (key, count) in expected)
        {
            Assert.Equal(count, LatestCalls(points, service, key));
            Assert.Equal((ulong)count, LatestHistogram(points, service, key)!.Count);
        }

        Assert.DoesNotContain(Latest(points, service, "traces.span.metrics.calls"), p => (string?)p["span.kind"] == "SPAN_KIND_SERVER" && !expected.ContainsKey(Key(p)));

        // About 1% of the 2,000 traces are exported (binomial: mean 20, standard deviation 4.4).
        var exported = (await receiver.WaitForSpansAsync(_ => false, TimeSpan.FromSeconds(1)))
            .Where(s => s.Resource.TryGetValue("service.name", out var name) && (string?)name == service && s.Kind == System.Diagnostics.ActivityKind.Server)
            .ToList();
        Assert.InRange(exported.Count, 3, 45);

        // Every exemplar names an exported trace; the sampled requests left some.
        var exportedTraces = exported.Select(s => s.TraceId).ToHashSet();
        var exemplars = points.Where(p => p.Name == "traces.span.metrics.duration" && (string?)p["service.name"] == service)
            .SelectMany(p => p.Exemplars).ToList();
        Assert.NotEmpty(exemplars);
        Assert.All(exemplars, e => Assert.Contains(e.TraceId, exportedTraces));
    }

    [Fact]
    public async Task AppExportingByOtlpItself_GetsTheSpanMetrics_AndTheSdksOtlpMetricsExporterStandsAside()
    {
        await using var sdkReceiver = await OtlpReceiver.StartAsync();
        await using var appReceiver = await OtlpReceiver.StartAsync();
        var service = "use-otlp-" + Guid.NewGuid().ToString("N")[..8];
        var settings = TracingHost.OtlpSettings(sdkReceiver, service);
        settings["Tracing:Metrics:Enabled"] = "true";
        settings["Tracing:Metrics:ExportIntervalMilliseconds"] = "200";
        var app = await TracingHost.StartWebAsync(
            settings,
            MapRoutes,
            builder => builder.Services.AddOpenTelemetry().UseOtlpExporter(OtlpExportProtocol.Grpc, new Uri(appReceiver.GrpcEndpoint)));
        await using (app)
        {
            using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
            for (var i = 1; i <= 5; i++)
            {
                using var response = await client.GetAsync($"/items/{i}");
            }

            await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_SERVER", 5);

            // Stopping flushes the app's metrics exporter (its own interval is a minute).
            await app.StopAsync();
        }

        var points = await appReceiver.WaitForMetricsAsync(all => all.Any(p => p.Name == "traces.span.metrics.calls" && (string?)p["service.name"] == service));
        Assert.Equal(5, Latest(points, service, "traces.span.metrics.calls").Where(p => (string?)p["span.kind"] == "SPAN_KIND_SERVER").Sum(p => p.IntValue ?? 0));
        Assert.Empty(sdkReceiver.MetricPoints);
    }

    internal static void MapRoutes(WebApplication app)
    {
        // Every tenth order fails: a known share of 5xx.
        app.MapGet("/orders/{id:int}", (int id) => id % 10 == 0 ? Results.StatusCode(500) : Results.Ok(id));
        app.MapGet("/items/{id:int}", (int id) => Results.Ok(id));
    }

    internal static IEnumerable<ReceivedMetricPoint> Latest(IReadOnlyList<ReceivedMetricPoint> points, string service, string metric) =>
        points.Where(p => p.Name == metric && (string?)p["service.name"] == service)
            .GroupBy(p => string.Join("|", p.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}")))
            .Select(g => g.MaxBy(p => p.TimeUnixNano)!);

    private static (string, string, long) Key(ReceivedMetricPoint point) =>
        ((string)point["span.name"]!, (string)point["status.code"]!, point["http.response.status_code"] is long code ? code : -1);

    private static long LatestCalls(IReadOnlyList<ReceivedMetricPoint> points, string service, (string Route, string Status, long Code) key) =>
        Latest(points, service, "traces.span.metrics.calls").Where(p => (string?)p["span.kind"] == "SPAN_KIND_SERVER" && Key(p) == key).Sum(p => p.IntValue ?? 0);

    private static ReceivedMetricPoint? LatestHistogram(IReadOnlyList<ReceivedMetricPoint> points, string service, (string Route, string Status, long Code) key) =>
        Latest(points, service, "traces.span.metrics.duration").SingleOrDefault(p => (string?)p["span.kind"] == "SPAN_KIND_SERVER" && Key(p) == key);
}

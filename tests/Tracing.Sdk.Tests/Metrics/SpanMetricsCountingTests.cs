using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Tracing.Sdk.Tests.AspNetCore;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>What is counted, on real Kestrel: unsampled requests and their child spans once each, nothing exported; unrouted paths and raw span names bounded.</summary>
[Collection(SamplingIsolation.Name)]
public sealed class SpanMetricsCountingTests
{
    private static readonly ActivitySource s_raw = new("SpanMetricsCountingTests.Raw");

    [Fact]
    public async Task UnsampledRequests_AndTheirChildSpans_AreCountedOnce_AndNothingIsExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = TracingHost.OtlpSettings(receiver, "unsampled-" + Guid.NewGuid().ToString("N")[..8]);
        settings["Tracing:Sampler:Type"] = "const";
        settings["Tracing:Sampler:Param"] = "0";
        settings["Tracing:Sources:0"] = s_raw.Name;
        settings["Tracing:Metrics:Enabled"] = "true";
        settings["Tracing:Metrics:Exporters:0"] = "none";
        await using var app = await TracingHost.StartWebAsync(
            settings,
            map: app =>
            {
                app.MapGet("/items/{id:int}", (int id) => Results.Ok(id));
                app.MapGet("/proxy", async (IHttpClientFactory clients, HttpContext context) =>
                {
                    using (s_raw.StartActivity("publish audit", ActivityKind.Producer))
                    {
                    }

                    var client = clients.CreateClient();
                    using var inner = await client.GetAsync($"http://{context.Request.Host}/items/7");
                    return Results.StatusCode((int)inner.StatusCode);
                });
            },
            configure: builder => builder.Services.AddHttpClient());

        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
        const int Requests = 40;
        for (var i = 0; i < Requests; i++)
        {
            // The test's own call makes no span: the service's spans are the only ones counted.
            using var scope = SuppressInstrumentationScope.Begin();
            using var response = await client.GetAsync("/proxy");
            Assert.Equal(200, (int)response.StatusCode);
        }

        var calls = await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_SERVER", 2 * Requests);
        Assert.Equal(Requests, calls["SPAN_KIND_SERVER|GET /proxy|STATUS_CODE_UNSET|200"]);
        Assert.Equal(Requests, calls["SPAN_KIND_SERVER|GET /items/{id:int}|STATUS_CODE_UNSET|200"]);
        Assert.Equal(Requests, calls["SPAN_KIND_PRODUCER|publish audit|STATUS_CODE_UNSET"]);
        Assert.Equal(Requests, calls["SPAN_KIND_CLIENT|GET|STATUS_CODE_UNSET|200"]);
        Assert.Equal(4, calls.Count);

        // The inner request arrived with "not sampled" from its caller: one server span, counted once as
        // what it is. Nothing was sampled, so nothing reached the exporter.
        var exported = await receiver.WaitForSpansAsync(spans => spans.Count > 0, TimeSpan.FromSeconds(1));
        Assert.Empty(exported);
    }

    [Fact]
    public async Task UnsampledFailures_AreErrors_AsTheSpanWouldSay()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "failures-" + Guid.NewGuid().ToString("N")[..8],
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Sampler:Type"] = "const",
            ["Tracing:Sampler:Param"] = "0",
            ["Tracing:Metrics:Enabled"] = "true",
            ["Tracing:Metrics:Exporters:0"] = "none",
        };
        await using var app = await TracingHost.StartWebAsync(settings, map: app =>
        {
            app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
            app.MapGet("/teapot", () => Results.StatusCode(418));
        });

        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
        for (var i = 0; i < 5; i++)
        {
            using var scope = SuppressInstrumentationScope.Begin();
            using var boom = await client.GetAsync("/boom");
            using var teapot = await client.GetAsync("/teapot");
        }

        var calls = await new SpanMetricsProbe(app).WaitForAsync("SPAN_KIND_SERVER", 10);

        // An exception escaping the app is a 500 and an error; a 4xx is the client's and leaves the status unset.
        Assert.Equal(5, calls["SPAN_KIND_SERVER|GET /boom|STATUS_CODE_ERROR|500"]);
        Assert.Equal(5, calls["SPAN_KIND_SERVER|GET /teapot|STATUS_CODE_UNSET|418"]);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task TenThousandUnroutedPaths_MakeOneSeries_AndRawSpanNamesStopAtTheCap()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "cardinality-" + Guid.NewGuid().ToString("N")[..8],
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Sampler:Type"] = "probabilistic",
            ["Tracing:Sampler:Param"] = "0.01",
            ["Tracing:Sources:0"] = s_raw.Name,
            ["Tracing:Metrics:Enabled"] = "true",
            ["Tracing:Metrics:Exporters:0"] = "none",
            ["Tracing:Metrics:MaxSeries"] = "50",
        };
        await using var app = await TracingHost.StartWebAsync(settings, map: app =>
        {
            // An app's own span named by the raw path: the kind of name that would explode the series.
            app.Use(async (context, next) =>
            {
                using (s_raw.StartActivity("fetch " + context.Request.Path, ActivityKind.Client))
                {
                }

                await next(context);
            });
            app.MapGet("/items/{id:int}", (int id) => Results.Ok(id));
        });

        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.BaseAddress()) };
        const int Paths = 10_000;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await Parallel.ForEachAsync(Enumerable.Range(0, Paths), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (i, token) =>
        {
            using var response = await client.GetAsync($"/unrouted/{i}/{Guid.NewGuid():N}", token);
        });

        var probe = new SpanMetricsProbe(app);
        var calls = await probe.WaitForAsync("SPAN_KIND_SERVER", Paths);

        // Unrouted requests are named by their method alone: one series for all 10,000 paths.
        Assert.Equal(Paths, calls["SPAN_KIND_SERVER|GET|STATUS_CODE_UNSET|404"]);
        Assert.Single(calls.Keys, k => k.StartsWith("SPAN_KIND_SERVER", StringComparison.Ordinal));

        // The raw-path span names: 49 series of their own (the server's took one), the rest in the overflow series, counted.
        Assert.Equal(50, probe.Recorder.SeriesCount);
        Assert.Equal(51, calls.Count);
        var overflow = probe.Recorder.Snapshot().Single(s => s.Tags.Any(t => t.Key == "otel.metric.overflow"));
        Assert.Equal(Paths - 49, overflow.Calls);
        Assert.Equal(Paths - 49, probe.Recorder.Overflowed);
        Assert.Equal(2, overflow.Tags.Length);
    }
}

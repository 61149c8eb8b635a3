using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Sampling;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// Late binding end to end: the real remote per-operation sampler, a Jaeger sampling endpoint that
/// gives two routes different rates, and real requests on Kestrel. Each route gets its own rate, and
/// the decision is made before the endpoint's outgoing call, which follows it.
/// </summary>
public sealed class PerRouteSamplingEndToEndTests
{
    [Fact]
    public async Task TwoRoutes_GetTheirOwnRates_FromTheRemotePerOperationStrategy()
    {
        await using var strategies = await JaegerSamplingServer.StartAsync();
        strategies.Answer("""
            {"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0},
             "operationSampling":{"defaultSamplingProbability":0,"defaultLowerBoundTracesPerSecond":0,
               "perOperationStrategies":[
                 {"operation":"GET /kept/{id}","probabilisticSampling":{"samplingRate":1}},
                 {"operation":"GET /dropped/{id}","probabilisticSampling":{"samplingRate":0}}]}}
            """);
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var downstream = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, "downstream"),
            app => app.MapGet("/", () => "ok"));
        var settings = TracingHost.OtlpSettings(receiver, "routes");
        settings["Tracing:Sampler:Type"] = "remote";
        settings["Tracing:Sampler:Remote:Endpoint"] = strategies.Endpoint;
        settings["Tracing:Sampler:Remote:InitialProbability"] = "0";
        await using var app = await TracingHost.StartWebAsync(
            settings,
            app =>
            {
                app.MapGet("/kept/{id}", Call);
                app.MapGet("/dropped/{id}", Call);
            },
            builder => builder.Services.AddHttpClient("downstream", c => c.BaseAddress = new Uri(downstream.BaseAddress())));
        var remote = Assert.IsType<RemoteSampler>(app.Services.GetRequiredService<ConfiguredSampler>().LateBinding);
        await WaitUntilAsync(() => remote.Strategy is not null);

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
        var kept = new List<string>();
        var dropped = new List<string>();
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
        {
            // Calls from outside with no trace context: this service is the entry and decides.
            for (var i = 0; i < 5; i++)
            {
                kept.Add(await client.GetStringAsync($"/kept/{i}"));
                dropped.Add(await client.GetStringAsync($"/dropped/{i}"));
            }
        }

        await app.StopAsync();
        await downstream.StopAsync();

        // Kept: the server span (named by its route, tagged by the sampler), its HttpClient child and
        // the downstream server span all arrive. Dropped: nothing of those traces, in either service.
        foreach (var traceId in kept)
        {
            var spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            var server = Assert.Single(spans, s => s.ServiceName == "routes" && s.Kind == ActivityKind.Server);
            Assert.Equal("GET /kept/{id}", server.Name);
            Assert.Equal("probabilistic", server.Attribute("sampler.type"));
            Assert.Null(server.Attribute("sampler.pending"));
            Assert.Single(spans, s => s.ServiceName == "routes" && s.Kind == ActivityKind.Client);
            Assert.Single(spans, s => s.ServiceName == "downstream" && s.Kind == ActivityKind.Server);
        }

        Assert.DoesNotContain(receiver.Spans, s => dropped.Contains(s.TraceId));
    }

    private static async Task<string> Call(HttpContext context, IHttpClientFactory clients)
    {
        var traceId = Activity.Current!.TraceId.ToHexString();
        await clients.CreateClient("downstream").GetStringAsync("/");
        return traceId;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(10);
        }
    }
}

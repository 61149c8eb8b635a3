using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Hosting;
using Tracing.Sdk.Tests.Sampling;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// B3 "defer" outside ASP.NET Core: the messaging helpers (<see cref="TracingPropagation"/>) and
/// OpenTelemetry <see cref="TextMapPropagator"/> users get a parent that the host's policy decides,
/// with the caller's ids continued. (Kestrel: <see cref="B3DeferEndToEndTests"/>.) Run alone: every host
/// in the process records the messaging source, and "not sampled" can only be seen while no other runs.
/// </summary>
[Collection(GlobalPropagationState.Name)]
public sealed class DeferredSamplingTests
{
    [Theory]
    [InlineData("b3", "1", true)]
    [InlineData("b3", "0", false)]
    [InlineData("b3multi", "1", true)]
    [InlineData("b3multi", "0", false)]
    public async Task Consumer_UnderADeferredProducer_IsDecidedByThePolicy_AndContinuesItsIds(string format, string constParam, bool sampled)
    {
        using var host = Worker(format, "const", constParam);
        await host.StartAsync();
        var (traceId, spanId, headers) = DeferredHeaders(format, new Random(1));

        var extracted = TracingPropagation.Extract(headers).ActivityContext;
        using (var consumer = TracingPropagation.StartConsumerActivity(headers, "kafka", "orders"))
        {
            Assert.True(DeferredSampling.IsDeferred(extracted));
            Assert.NotNull(consumer);
            Assert.Equal(traceId, consumer.TraceId.ToHexString());
            Assert.Equal(spanId, consumer.ParentSpanId.ToHexString());
            Assert.Equal(sampled, consumer.Recorded);
            Assert.True(string.IsNullOrEmpty(consumer.TraceStateString)); // the mark stays inside the SDK

            // What the consumer sends on states its decision.
            var onward = new Dictionary<string, string>();
            TracingPropagation.Inject(onward, consumer);
            Assert.Equal(sampled ? "1" : "0", format == "b3" ? onward["b3"][^1..] : onward["X-B3-Sampled"]);
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Consumers_UnderDeferredProducers_AreSampledAtTheProbability_ByTheirTraceIds()
    {
        using var host = Worker("b3", "probabilistic", "0.1");
        await host.StartAsync();
        var policy = new ProbabilisticSampler(0.1, TraceIdBits.W3c);
        var random = new Random(7);
        var sampled = 0;
        const int Messages = 1000;
        for (var i = 0; i < Messages; i++)
        {
            var (traceId, _, headers) = DeferredHeaders("b3", random);
            using var consumer = TracingPropagation.StartConsumerActivity(headers, "kafka", "orders")!;

            Assert.Equal(traceId, consumer.TraceId.ToHexString());
            Assert.Equal(policy.IsSampled(consumer.TraceId), consumer.Recorded);
            sampled += consumer.Recorded ? 1 : 0;
        }

        await host.StopAsync();

        // A pure function of the (seeded) ids; 10% within about four standard deviations.
        Assert.InRange(sampled, 60, 140);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenTelemetryTextMapPropagatorUsers_GetADeferredParent_TheirSpanDecidedByThePolicy(bool policySamples)
    {
        // An app (or library) that extracts with OpenTelemetry's default propagator and starts its own span.
        var sourceName = $"Deferred.Otel.{Guid.NewGuid():N}";
        using var host = Worker("b3multi", "const", policySamples ? "1" : "0", sourceName);
        await host.StartAsync();
        using var source = new ActivitySource(sourceName);
        var (traceId, spanId, headers) = DeferredHeaders("b3multi", new Random(3));

        var context = Propagators.DefaultTextMapPropagator.Extract(default, headers, static (h, name) => h.TryGetValue(name, out var v) ? [v] : null);
        using var span = source.StartActivity("handle", ActivityKind.Consumer, context.ActivityContext)!;

        Assert.True(DeferredSampling.IsDeferred(context.ActivityContext));
        Assert.Equal(traceId, span.TraceId.ToHexString());
        Assert.Equal(spanId, span.ParentSpanId.ToHexString());
        Assert.Equal(policySamples, span.Recorded);

        // A proxy passing the extracted context on unchanged keeps the caller's "no decision".
        var onward = new Dictionary<string, string>();
        Propagators.DefaultTextMapPropagator.Inject(context, onward, static (h, name, value) => h[name] = value);
        Assert.Equal(traceId, onward["X-B3-TraceId"]);
        Assert.False(onward.ContainsKey("X-B3-Sampled"));
        await host.StopAsync();
    }

    [Fact]
    public async Task BatchConsumer_LinksDeferredProducers_WithoutTheMark()
    {
        using var host = Worker("b3", "const", "1");
        await host.StartAsync();
        var random = new Random(5);
        var messages = Enumerable.Range(0, 3).Select(_ => DeferredHeaders("b3", random).Headers).ToList();

        using var batch = TracingPropagation.StartBatchConsumerActivity(messages, "kafka", "orders")!;

        Assert.Equal(3, batch.Links.Count());
        Assert.All(batch.Links, link => Assert.Null(link.Context.TraceState));
        await host.StopAsync();
    }

    /// <summary>B3 headers with ids and no sampling state (64-bit trace ids every other time).</summary>
    private static (string TraceId, string SpanId, Dictionary<string, string> Headers) DeferredHeaders(string format, Random random)
    {
        var id = random.Next(2) == 0 ? SamplingTestKit.Random128(random) : SamplingTestKit.ZeroPadded64(random);
        var traceId = id.ToHexString();
        var sent = traceId.StartsWith("0000000000000000", StringComparison.Ordinal) ? traceId[16..] : traceId;
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        var headers = format == "b3"
            ? new Dictionary<string, string> { ["b3"] = $"{sent}-{spanId}" }
            : new Dictionary<string, string> { ["X-B3-TraceId"] = sent, ["X-B3-SpanId"] = spanId };
        return (traceId, spanId, headers);
    }

    private static IHost Worker(string propagator, string sampler, string param, string? source = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "deferred-sampling",
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Propagators:0"] = propagator,
            ["Tracing:Sampler:Type"] = sampler,
            ["Tracing:Sampler:Param"] = param,
        };
        if (source is not null)
        {
            settings["Tracing:Sources:0"] = source;
        }

        return LifecycleTests.BuildWorker(settings);
    }
}

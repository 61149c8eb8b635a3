using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// "Rate-limit at the entry service, probabilistic inside", expressed in configuration only (README,
/// Sampling): the entry service runs <c>ratelimiting</c>, the inner services <c>probabilistic</c>, both
/// parent-based (the default). Two AddTracing services; the entry's context reaches the inner one as a
/// W3C traceparent, as it would over HTTP.
/// </summary>
public sealed class EntryRateLimitTests
{
    [Fact]
    public async Task EntryLimitsNewTraces_InnerFollowsTheEntrysDecision_InnerRootsAreProbabilistic()
    {
        var time = new FakeTimeProvider();
        await using var entry = await TracedService.StartAsync(new()
        {
            ["Tracing:ServiceName"] = "edge",
            ["Tracing:Sampler:Type"] = "ratelimiting",
            ["Tracing:Sampler:Param"] = "2",
        }, time: time);
        await using var inner = await TracedService.StartAsync(new()
        {
            ["Tracing:ServiceName"] = "inventory",
            ["Tracing:Sampler:Type"] = "probabilistic",
            ["Tracing:Sampler:Param"] = "0.25",
        }, time: time);

        AssertComposition(entry, inner, innerProbability: 0.25);
    }

    [Fact]
    public async Task SameComposition_FromOtelEnvironmentVariables()
    {
        var time = new FakeTimeProvider();
        await using var entry = await TracedService.StartAsync(
            [],
            new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "parentbased_ratelimiting", ["OTEL_TRACES_SAMPLER_ARG"] = "2" },
            time);
        await using var inner = await TracedService.StartAsync(
            [],
            new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio", ["OTEL_TRACES_SAMPLER_ARG"] = "0.25" },
            time);

        AssertComposition(entry, inner, innerProbability: 0.25);
    }

    private static void AssertComposition(TracedService entry, TracedService inner, double innerProbability)
    {
        // 20 requests reach the entry within one instant: its bucket (2/s, burst 2) keeps exactly 2.
        var entryDecisions = new List<bool>();
        var innerDecisions = new List<bool>();
        for (var i = 0; i < 20; i++)
        {
            using var request = entry.StartRoot("GET /checkout", ActivityKind.Server)!;
            entryDecisions.Add(request.Recorded);

            // The call to the inner service carries the entry's context, sampled flag included.
            Assert.True(ActivityContext.TryParse(request.Id, null, isRemote: true, out var remoteParent));
            Activity.Current = null;
            using var handled = inner.Source.StartActivity("GET /stock", ActivityKind.Server, remoteParent);
            innerDecisions.Add(handled?.Recorded ?? false);
        }

        Assert.Equal(2, entryDecisions.Count(d => d));
        Assert.Equal(entryDecisions, innerDecisions); // no trace is cut in half, none added inside

        // The inner service's own roots (a scheduled job, an uninstrumented caller) are probabilistic,
        // by trace id, whatever the entry's bucket holds.
        var reference = new ProbabilisticSampler(innerProbability, TraceIdBits.W3c);
        for (var i = 0; i < 200; i++)
        {
            using var job = inner.StartRoot("reindex")!;
            Assert.Equal(reference.IsSampled(job.TraceId), job.Recorded);
        }
    }
}

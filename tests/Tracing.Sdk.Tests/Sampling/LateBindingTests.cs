using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// The late-binding contract with real Activities from a real OpenTelemetry provider: an ASP.NET Core
/// entry span (hosting's name, Server kind) is recorded tentatively and decided by route.
/// </summary>
public sealed class LateBindingTests
{
    [Fact]
    public void EntrySpan_IsPendingUntilDecided_ThenKeptWithTheSamplerTags()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 1);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));

        using (var entry = StartEntry(provider))
        {
            Assert.NotNull(entry);
            Assert.True(entry.Recorded);
            Assert.True(policy.IsPending(entry));

            Assert.True(policy.Decide(entry, "GET /users/{id}"));

            Assert.False(policy.IsPending(entry));
            Assert.Null(entry.GetTagItem(LateBinding.PendingTag));
            Assert.Equal("lowerbound", entry.GetTagItem("sampler.type"));
            using var child = provider.Source.StartActivity("db query");
            Assert.NotNull(child);
            Assert.True(child.Recorded);
        }

        Assert.Equal(2, provider.Ended.Count);
    }

    [Fact]
    public void EntrySpan_DecidedNo_IsDroppedWithItsChildren()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 1);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));
        using (var first = StartEntry(provider))
        {
            policy.Decide(first!, "GET /users/{id}"); // spends the route's lower-bound credit
        }

        var endedBefore = provider.Ended.Count;
        using (var entry = StartEntry(provider))
        {
            Assert.False(policy.Decide(entry!, "GET /users/{id}"));

            Assert.False(entry!.Recorded);
            Assert.False(entry.IsAllDataRequested);
            Assert.False(policy.IsPending(entry));
            using var child = provider.Source.StartActivity("db query");
            Assert.True(child is null || !child.Recorded);
        }

        Assert.Equal(endedBefore, provider.Ended.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ChildStartedBeforeDecide_DecidesTheEntryByItsCurrentName_SoTheTraceStaysWhole(bool credit)
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 1);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));
        if (!credit)
        {
            using var spender = StartEntry(provider)!;
            spender.DisplayName = "GET /early";
            policy.Decide(spender, "GET /early");
        }

        using var entry = StartEntry(provider)!;
        entry.DisplayName = "GET /early";
        using var child = provider.Source.StartActivity("middleware");

        Assert.False(policy.IsPending(entry));
        Assert.Equal(credit, entry.Recorded);
        Assert.Equal(credit, child?.Recorded ?? false);
        Assert.Equal(credit, policy.Decide(entry, "GET /late")); // already decided: no change
    }

    [Fact]
    public void Decide_IsIdempotent()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 1);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));
        using var kept = StartEntry(provider)!;
        using var dropped = StartEntry(provider)!;

        Assert.True(policy.Decide(kept, "GET /a"));
        Assert.False(policy.Decide(dropped, "GET /a"));
        var keptTags = kept.TagObjects.ToList();

        // A second call changes nothing and spends nothing: "GET /b" still has its credit afterwards.
        Assert.True(policy.Decide(kept, "GET /b"));
        Assert.False(policy.Decide(dropped, "GET /b"));
        Assert.Equal(keptTags, kept.TagObjects.ToList());
        Assert.False(dropped.Recorded);
        using var fresh = StartEntry(provider)!;
        Assert.True(policy.Decide(fresh, "GET /b"));
    }

    [Fact]
    public void SpansThatAreNotEntrySpans_AreDecidedAtOnce_AndNeverPending()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 1);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));

        Activity.Current = null;
        using var job = provider.Source.StartActivity("nightly job");
        Activity.Current = null;
        using var internalSpan = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Internal);

        Assert.True(job!.Recorded);
        Assert.Equal("lowerbound", job.GetTagItem("sampler.type"));
        Assert.False(policy.IsPending(job));
        Assert.True(policy.Decide(job, "other name"));
        Assert.Equal("lowerbound", job.GetTagItem("sampler.type"));
        Assert.False(policy.IsPending(internalSpan!));
    }

    [Fact]
    public void EntrySpanWithASampledRemoteParent_FollowsTheParent_NotPending()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 0);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));

        using var entry = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server, RemoteParent(sampled: true));

        Assert.True(entry!.Recorded);
        Assert.False(policy.IsPending(entry));
    }

    [Fact]
    public void NotParentBased_AnEntrySpanWithARemoteParentIsPendingToo()
    {
        var policy = PerOperation(defaultProbability: 0, lowerBound: 0);
        using var provider = Provider(new TracingSampler(policy, parentBased: false));

        using var entry = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server, RemoteParent(sampled: true));

        Assert.True(policy.IsPending(entry!));
        Assert.False(policy.Decide(entry!, "GET /x"));
    }

    [Fact]
    public async Task EntrySpan_RacedByRoutingAndChildren_IsDecidedOnce_AndSpendsOneCredit()
    {
        // Each route's lower bound holds two credits and the clock never moves: after the race one
        // credit must remain (exactly one decision spent one), so the next entry of the route is
        // sampled and the one after it is not. A second decision would have spent the other credit
        // (or, with none left, cleared Recorded on a span already reported sampled).
        var policy = PerOperation(defaultProbability: 0, lowerBound: 2);
        var sampler = new TracingSampler(policy, parentBased: true);
        using var provider = Provider(sampler);
        const int Racers = 8;
        for (var round = 0; round < 40; round++)
        {
            var route = $"GET /race/{round}";
            var entry = StartEntry(provider)!;
            entry.DisplayName = route;
            Activity.Current = null;
            var results = new bool[Racers];
            using var start = new Barrier(Racers);
            var racers = Enumerable.Range(0, Racers).Select(i => Task.Factory.StartNew(
                () =>
                {
                    Activity.Current = entry;
                    Assert.True(start.SignalAndWait(TimeSpan.FromSeconds(10)));
                    results[i] = i % 2 == 0
                        ? policy.Decide(entry, route) // routing
                        : sampler.ShouldSample(Child(entry.Context, "middleware")).IsSampled(); // a child's sampler
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();

            await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(30)); // bounded: a stuck racer fails the test
            Assert.All(results, Assert.True);
            Assert.True(entry.Recorded);
            Assert.False(policy.IsPending(entry));
            Assert.Single(entry.TagObjects, t => t.Key == "sampler.type");
            entry.Dispose();

            using var second = StartEntry(provider)!;
            Assert.True(policy.Decide(second, route)); // the credit the race left
            using var third = StartEntry(provider)!;
            Assert.False(policy.Decide(third, route));
        }
    }

    /// <summary>A root entry span, as hosting starts one for a request without trace headers.</summary>
    [Fact]
    public void DeferredRemoteParent_OfAnEntrySpan_IsDecidedLateByTheRoute()
    {
        // A B3 caller that deferred: the per-operation policy decides, once the route is known.
        var policy = PerOperation(defaultProbability: 0, lowerBound: 0);
        using var provider = Provider(new TracingSampler(policy, parentBased: true));
        var parent = DeferredSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

        using var entry = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server, parent)!;

        Assert.True(policy.IsPending(entry));
        Assert.True(string.IsNullOrEmpty(entry.TraceStateString));
        Assert.False(policy.Decide(entry, "GET /x"));
        Assert.Equal(parent.TraceId, entry.TraceId);
    }

    private static Activity? StartEntry(SamplerProvider provider)
    {
        Activity.Current = null;
        return provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server);
    }

    private static PerOperationSampler PerOperation(double defaultProbability, double lowerBound) =>
        new(new PerOperationStrategy(defaultProbability, lowerBound), 100, TraceIdBits.W3c, new FakeTimeProvider());
}

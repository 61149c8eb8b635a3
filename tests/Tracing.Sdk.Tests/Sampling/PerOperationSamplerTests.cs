using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class PerOperationSamplerTests
{
    // Under w3c bits and probability 0.5, an id whose low half is all ones is sampled and 1 is not.
    private static readonly ActivityTraceId s_yesAtHalf = TraceId(9, ulong.MaxValue);
    private static readonly ActivityTraceId s_noAtHalf = TraceId(9, 1);

    [Fact]
    public void LowerBound_SamplesEachNewOperation_WhenTheProbabilitySaysNo()
    {
        var time = new FakeTimeProvider();
        var sampler = Create(defaultProbability: 0, lowerBound: 0.5, time: time);

        var first = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /a"));
        var second = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /a"));
        var other = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /b"));

        Assert.True(first.IsSampled());
        Assert.Equal("lowerbound", first.Tag("sampler.type"));
        Assert.Equal(0.0, first.Tag("sampler.param")); // Jaeger: the operation's probability
        Assert.False(second.IsSampled());
        Assert.True(other.IsSampled());

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /a")).IsSampled());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /a")).IsSampled());
    }

    [Fact]
    public void Probability_DecidesFirst_AndSpendsTheLowerBoundCredit()
    {
        var sampler = Create(defaultProbability: 0.5, lowerBound: 1);

        var byProbability = sampler.ShouldSample(Root(s_yesAtHalf, "op"));
        var afterIt = sampler.ShouldSample(Root(s_noAtHalf, "op"));

        Assert.Equal("probabilistic", byProbability.Tag("sampler.type"));
        Assert.Equal(0.5, byProbability.Tag("sampler.param"));
        Assert.False(afterIt.IsSampled()); // the lower bound's one credit went to the first trace
    }

    [Fact]
    public void ZeroLowerBound_LeavesTheProbabilityAlone()
    {
        var sampler = Create(defaultProbability: 0.5, lowerBound: 0);

        Assert.False(sampler.ShouldSample(Root(s_noAtHalf, "op")).IsSampled());
        Assert.True(sampler.ShouldSample(Root(s_yesAtHalf, "op")).IsSampled());
    }

    [Fact]
    public void StrategyProbabilities_ApplyPerOperation_OthersUseTheDefault()
    {
        var strategy = new PerOperationStrategy(0, 0, new Dictionary<string, double> { ["GET /hot"] = 1.0 });
        var sampler = new PerOperationSampler(strategy, 10, TraceIdBits.W3c, new FakeTimeProvider());

        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /hot")).IsSampled());
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /cold")).IsSampled());
    }

    [Fact]
    public void BeyondMaxOperations_NewNamesUseTheDefaultProbabilityWithoutLowerBound()
    {
        var sampler = Create(defaultProbability: 0, lowerBound: 1, maxOperations: 3);

        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), name)).IsSampled());
        }

        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "d")).IsSampled());
        Assert.Equal(3, sampler.OperationCount);
    }

    [Fact]
    public void UntrustedNames_NeverGrowTheTablePastItsCapacity_EvenConcurrently()
    {
        var sampler = Create(defaultProbability: 0.001, lowerBound: 1, maxOperations: 500);

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), $"GET /users/{worker}-{i}"));
            }
        });

        Assert.Equal(500, sampler.OperationCount);
    }

    [Fact]
    public void OverlongNames_AreNotStored()
    {
        var sampler = Create(defaultProbability: 0, lowerBound: 1);
        var name = new string('x', PerOperationSampler.MaxNameLength + 1);

        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), name)).IsSampled());
        Assert.Equal(0, sampler.OperationCount);
    }

    [Fact]
    public void ReplacingTheStrategy_KeepsSpentLowerBoundCredit_WhenTheBoundIsUnchanged()
    {
        var time = new FakeTimeProvider();
        var first = Create(defaultProbability: 0, lowerBound: 0.1, time: time);
        Assert.True(first.ShouldSample(Root(ActivityTraceId.CreateRandom(), "op")).IsSampled());

        var sameBound = new PerOperationSampler(new PerOperationStrategy(0, 0.1), 100, TraceIdBits.W3c, time, first);
        var newBound = new PerOperationSampler(new PerOperationStrategy(0, 0.2), 100, TraceIdBits.W3c, time, first);

        Assert.False(sameBound.ShouldSample(Root(ActivityTraceId.CreateRandom(), "op")).IsSampled());
        Assert.Equal(1, sameBound.OperationCount); // the operation stays known across the update
        Assert.True(newBound.ShouldSample(Root(ActivityTraceId.CreateRandom(), "op")).IsSampled());
    }

    [Fact]
    public void AspNetCoreEntrySpans_ArePending_OtherServerSpansAreNot()
    {
        var sampler = Create(defaultProbability: 0, lowerBound: 0);

        var entry = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));
        var other = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "GET /x", ActivityKind.Server));
        var internalSameName = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Internal));

        Assert.True(entry.IsSampled());
        Assert.IsType<EntryDecision>(entry.Tag(LateBinding.PendingTag)); // its own decision state
        Assert.False(other.IsSampled());
        Assert.False(internalSameName.IsSampled());
    }

    [Fact]
    public void ShouldSample_ForAKnownOperation_AllocatesNothing()
    {
        var sampler = Create(defaultProbability: 0.5, lowerBound: 1);
        var sampled = Root(s_yesAtHalf, "GET /known");
        var dropped = Root(s_noAtHalf, "GET /known");
        sampler.ShouldSample(sampled);

        Assert.Equal(0, AllocatedBytes(() =>
        {
            sampler.ShouldSample(sampled);
            sampler.ShouldSample(dropped);
        }));
    }

    private static PerOperationSampler Create(double defaultProbability, double lowerBound, int maxOperations = 2000, FakeTimeProvider? time = null) =>
        new(new PerOperationStrategy(defaultProbability, lowerBound), maxOperations, TraceIdBits.W3c, time ?? new FakeTimeProvider());
}

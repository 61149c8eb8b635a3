using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class RateLimitingSamplerTests
{
    [Fact]
    public void SamplesAtMostTheRate_BurstCappedAtMaxOfRateAndOne()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitingSampler(3, time);

        Assert.Equal(3, Sampled(sampler, 10));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, Sampled(sampler, 10));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, Sampled(sampler, 10));
    }

    [Fact]
    public void BelowOnePerSecond_OneTraceEveryFiveSecondsForPointTwo()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitingSampler(0.2, time);
        var sampled = Sampled(sampler, 2);
        for (var second = 0; second < 60; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            sampled += Sampled(sampler, 2);
        }

        Assert.Equal(1 + 12, sampled);
    }

    [Fact]
    public void ZeroPerSecond_SamplesNothing()
    {
        var time = new FakeTimeProvider();
        var sampler = new RateLimitingSampler(0, time);

        Assert.Equal(0, Sampled(sampler, 5));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, Sampled(sampler, 5));
    }

    [Fact]
    public void SampledRoots_CarryTypeAndRate()
    {
        var sampler = new RateLimitingSampler(2.5, new FakeTimeProvider());

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));

        Assert.True(result.IsSampled());
        Assert.Equal("ratelimiting", result.Tag("sampler.type"));
        Assert.Equal(2.5, result.Tag("sampler.param"));
    }

    [Fact]
    public void ShouldSample_AllocatesNothing()
    {
        var sampler = new RateLimitingSampler(1000, TimeProvider.System);
        var parameters = Root(ActivityTraceId.CreateRandom());

        Assert.Equal(0, AllocatedBytes(() => sampler.ShouldSample(parameters)));
    }

    private static int Sampled(RateLimitingSampler sampler, int roots)
    {
        var sampled = 0;
        for (var i = 0; i < roots; i++)
        {
            sampled += sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled() ? 1 : 0;
        }

        return sampled;
    }
}

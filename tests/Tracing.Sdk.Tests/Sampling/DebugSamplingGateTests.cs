using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>The debug budget: untrusted requests within Sampler:Debug:MaxPerSecond, refusals counted, trusted ones free.</summary>
public sealed class DebugSamplingGateTests
{
    [Fact]
    public void UntrustedRequests_AreHonouredUpToTheBudget_ThenRefusedAndCounted_UntilTheClockRefillsIt()
    {
        var clock = new FakeTimeProvider();
        using var metrics = new TracingMetrics();
        using var refused = new MetricCollector<long>(metrics.Meter, "tracing.sdk.sampling.debug.refused");
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = 3 }, clock, metrics);

        var first = Enumerable.Range(0, 10).Count(_ => gate.Admit(trusted: false));
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = Enumerable.Range(0, 10).Count(_ => gate.Admit(trusted: false));

        Assert.Equal(3, first); // the bucket starts full: one second's worth
        Assert.Equal(3, second);
        Assert.Equal(14, refused.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public void TrustedRequests_AreAlwaysHonoured_AndSpendNothing()
    {
        var clock = new FakeTimeProvider();
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = 1 }, clock, metrics: null);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(gate.Admit(trusted: true)));
        Assert.True(gate.Admit(trusted: false)); // the untrusted credit is still there
        Assert.False(gate.Admit(trusted: false));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(double.NaN)]
    public void NoBudget_RefusesEveryUntrustedRequest(double maxPerSecond)
    {
        var clock = new FakeTimeProvider();
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = maxPerSecond }, clock, metrics: null);

        clock.Advance(TimeSpan.FromHours(1));

        Assert.False(gate.Admit(trusted: false));
        Assert.True(gate.Admit(trusted: true));
    }

    [Fact]
    public void FractionalBudget_HonoursOneRequestPerPeriod()
    {
        var clock = new FakeTimeProvider();
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = 0.1 }, clock, metrics: null);

        Assert.True(gate.Admit(trusted: false));
        Assert.False(gate.Admit(trusted: false));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(gate.Admit(trusted: false));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.Admit(trusted: false));
    }
}

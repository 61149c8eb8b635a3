using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Decides whether a request to force sampling (debug) is honoured: always from a trusted caller,
/// otherwise while the host's debug budget (<see cref="DebugSamplerOptions.MaxPerSecond"/>) has a
/// credit. One per host; its only shared state is the lock-free <see cref="RateLimiter"/>, touched
/// only when an untrusted debug request reaches the sampler (never on the ordinary sampling path).
/// </summary>
internal sealed class DebugSamplingGate
{
    private readonly RateLimiter _limiter;
    private readonly TracingMetrics? _metrics;

    public DebugSamplingGate(DebugSamplerOptions options, TimeProvider timeProvider, TracingMetrics? metrics)
    {
        MaxPerSecond = double.IsFinite(options.MaxPerSecond) ? Math.Max(0, options.MaxPerSecond) : 0;
        _limiter = new RateLimiter(MaxPerSecond, Math.Max(MaxPerSecond, 1), timeProvider);
        _metrics = metrics;
    }

    public double MaxPerSecond { get; }

    /// <summary>Whether the request is honoured; a refusal is counted.</summary>
    public bool Admit(bool trusted)
    {
        if (trusted || _limiter.TrySpend())
        {
            return true;
        }

        _metrics?.DebugRefused();
        return false;
    }
}

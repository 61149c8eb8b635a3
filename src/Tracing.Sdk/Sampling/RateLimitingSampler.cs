using System.Globalization;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The <c>ratelimiting</c> policy: at most <c>Param</c> new traces per second (fractions allowed: 0.2 is
/// one every 5 s), through a token bucket whose balance is capped at max(Param, 1), as Jaeger clients'
/// rate-limiting sampler. Param 0 samples nothing.
/// </summary>
internal sealed class RateLimitingSampler : Sampler
{
    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);

    private readonly RateLimiter _limiter;
    private readonly SamplingResult _sampled;

    public RateLimitingSampler(double tracesPerSecond, TimeProvider timeProvider)
    {
        TracesPerSecond = double.IsFinite(tracesPerSecond) ? Math.Max(0, tracesPerSecond) : 0;
        _limiter = new RateLimiter(TracesPerSecond, Math.Max(TracesPerSecond, 1), timeProvider);
        _sampled = new SamplingResult(SamplingDecision.RecordAndSample, SamplerTags.Create(SamplerTypes.RateLimiting, TracesPerSecond));
        Description = string.Create(CultureInfo.InvariantCulture, $"RateLimitingSampler{{{TracesPerSecond}}}");
    }

    public double TracesPerSecond { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        _limiter.TrySpend() ? _sampled : s_drop;
}

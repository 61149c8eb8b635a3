using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// One operation's sampler in a per-operation policy (Jaeger's guaranteed-throughput sampler): its
/// probability decides first; when it says no, the lower-bound limiter may still keep the trace, so each
/// operation is traced at least <c>lowerBound</c> times per second. A probabilistic "yes" also spends a
/// lower-bound credit, so the bound is a floor, not extra traffic.
/// </summary>
internal sealed class OperationSampler
{
    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);

    private readonly ProbabilisticSampler _probability;
    private readonly SamplingResult _lowerBoundSampled;

    public OperationSampler(ProbabilisticSampler probability, SamplingResult lowerBoundSampled, RateLimiter lowerBound)
    {
        _probability = probability;
        _lowerBoundSampled = lowerBoundSampled;
        LowerBound = lowerBound;
    }

    public double Probability => _probability.Probability;

    public RateLimiter LowerBound { get; }

    public SamplingResult Sample(in SamplingParameters parameters)
    {
        var result = _probability.ShouldSample(parameters);
        if (result.Decision == SamplingDecision.RecordAndSample)
        {
            LowerBound.TrySpend();
            return result;
        }

        return LowerBound.TrySpend() ? _lowerBoundSampled : s_drop;
    }
}

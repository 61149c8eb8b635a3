using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>The <c>const</c> policy: every root sampled (<c>Param</c> 1) or none (0).</summary>
internal sealed class ConstSampler : Sampler
{
    private readonly SamplingResult _result;

    public ConstSampler(bool sample)
    {
        // Jaeger clients tag a const decision with the boolean it always returns.
        _result = sample
            ? new SamplingResult(SamplingDecision.RecordAndSample, SamplerTags.Create(SamplerTypes.Const, true))
            : new SamplingResult(SamplingDecision.Drop);
        Sample = sample;
        Description = sample ? "ConstSampler{1}" : "ConstSampler{0}";
    }

    public bool Sample { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => _result;
}

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The sampling policy (<c>Tracing:Sampler</c>). <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c>
/// map onto it when the section does not say otherwise.
/// </summary>
public sealed class SamplerOptions
{
    /// <summary>
    /// The policy: <c>const</c>, <c>probabilistic</c>, <c>ratelimiting</c>, <c>peroperation</c> or
    /// <c>remote</c> (case-insensitive). Default <c>const</c>.
    /// </summary>
    public string Type { get; set; } = SamplerTypes.Const;

    /// <summary>
    /// The policy's parameter. <c>const</c>: 1 samples everything, 0 nothing. <c>probabilistic</c>:
    /// the probability, 0..1. <c>ratelimiting</c>: traces per second, &gt;= 0 and may be below 1
    /// (0.2 is one every 5 s). Unused by <c>peroperation</c> and <c>remote</c>, which have their own
    /// settings. Default 1.
    /// </summary>
    public double Param { get; set; } = 1;

    /// <summary>
    /// Which trace-id bits a probability reads (<c>probabilistic</c>, and the probabilities of
    /// <c>peroperation</c> and <c>remote</c>): <c>w3c</c> (the rightmost 56 bits against a rejection
    /// threshold, as the OpenTelemetry specification's consistent probability sampling) or <c>jaeger</c>
    /// (the low 64 bits masked to 63 against rate × 2^63, exactly as Jaeger clients). Both sample 64-bit
    /// ids zero-padded to 128 bits at the configured rate. Default <c>w3c</c>.
    /// </summary>
    public string IdBits { get; set; } = SamplerTypes.IdBitsW3c;

    /// <summary>
    /// When <see langword="true"/> (the default) a parent's sampled flag decides for its children and
    /// only root spans consult the policy.
    /// </summary>
    public bool ParentBased { get; set; } = true;

    /// <summary>Settings of the <c>peroperation</c> policy (also the defaults of <c>remote</c>).</summary>
    public PerOperationSamplerOptions PerOperation { get; set; } = new();

    /// <summary>Settings of the <c>remote</c> policy.</summary>
    public RemoteSamplerOptions Remote { get; set; } = new();

    /// <summary>
    /// Limits on forced (debug) sampling requested by callers: honoured from <c>TrustedNetworks</c>,
    /// otherwise at most <see cref="DebugSamplerOptions.MaxPerSecond"/> (default 5) per second.
    /// </summary>
    public DebugSamplerOptions Debug { get; set; } = new();
}

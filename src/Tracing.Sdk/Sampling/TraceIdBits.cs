namespace Tracing.Sdk.Sampling;

/// <summary>Which bits of a trace id a probability decision reads (<c>Tracing:Sampler:IdBits</c>).</summary>
internal enum TraceIdBits
{
    /// <summary>
    /// The rightmost 56 bits, compared with a rejection threshold: the randomness that W3C Trace Context
    /// Level 2 (§ "Random Trace ID Flag") guarantees and that OpenTelemetry's consistent probability
    /// sampling (specification/trace/tracestate-probability-sampling.md) reads.
    /// </summary>
    W3c,

    /// <summary>
    /// The low 64 bits masked to 63 and compared with <c>rate × 2^63</c>, as Jaeger clients decide
    /// (jaeger-client-go <c>ProbabilisticSampler</c>), so that a mixed fleet agrees trace by trace.
    /// </summary>
    Jaeger,
}

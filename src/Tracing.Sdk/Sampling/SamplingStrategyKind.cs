namespace Tracing.Sdk.Sampling;

/// <summary>The kinds of <see cref="SamplingStrategy"/> (Jaeger IDL <c>SamplingStrategyType</c>, plus per-operation).</summary>
internal enum SamplingStrategyKind
{
    Probabilistic,
    RateLimiting,
    PerOperation,
}

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Jaeger's guaranteed-throughput sampling (<c>Tracing:Sampler:PerOperation</c>): per span name, a
/// probability plus a lower bound of traces per second.
/// </summary>
public sealed class PerOperationSamplerOptions
{
    /// <summary>Probability for an operation with no strategy of its own, 0..1. Default 0.001.</summary>
    public double DefaultProbability { get; set; } = 0.001;

    /// <summary>
    /// Traces per second each operation is sampled at least, whatever the probability says; &gt;= 0.
    /// Default 0.0167 (one a minute).
    /// </summary>
    public double DefaultLowerBoundPerSecond { get; set; } = 0.0167;

    /// <summary>
    /// The most operations tracked; later names use <see cref="DefaultProbability"/> alone. 1..100000.
    /// Default 2000.
    /// </summary>
    public int MaxOperations { get; set; } = 2000;
}

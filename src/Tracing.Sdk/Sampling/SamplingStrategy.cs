using System.Globalization;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// A strategy received from a Jaeger sampling endpoint (Jaeger IDL <c>SamplingStrategyResponse</c>):
/// probabilistic, rate-limiting, or per-operation when <c>operationSampling</c> is present.
/// </summary>
internal sealed class SamplingStrategy
{
    private SamplingStrategy(SamplingStrategyKind kind, double value, PerOperationStrategy? operations)
    {
        Kind = kind;
        Value = value;
        Operations = operations;
    }

    public SamplingStrategyKind Kind { get; }

    /// <summary>The probability (probabilistic) or traces per second (rate-limiting).</summary>
    public double Value { get; }

    /// <summary>The per-operation strategies, when <see cref="Kind"/> is <see cref="SamplingStrategyKind.PerOperation"/>.</summary>
    public PerOperationStrategy? Operations { get; }

    public static SamplingStrategy Probabilistic(double probability) => new(SamplingStrategyKind.Probabilistic, probability, null);

    public static SamplingStrategy RateLimiting(double tracesPerSecond) => new(SamplingStrategyKind.RateLimiting, tracesPerSecond, null);

    public static SamplingStrategy PerOperation(PerOperationStrategy operations) => new(SamplingStrategyKind.PerOperation, operations.DefaultProbability, operations);

    public override string ToString() => Kind switch
    {
        SamplingStrategyKind.Probabilistic => string.Create(CultureInfo.InvariantCulture, $"probabilistic {Value}"),
        SamplingStrategyKind.RateLimiting => string.Create(CultureInfo.InvariantCulture, $"ratelimiting {Value}/s"),
        _ => Operations!.ToString(),
    };
}

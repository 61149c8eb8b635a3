using System.Globalization;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// What a per-operation (guaranteed-throughput) policy samples with: a probability per operation name,
/// a default probability for names without one, and a lower bound of traces per second every operation
/// gets. Jaeger IDL <c>PerOperationSamplingStrategies</c> (sampling.proto).
/// </summary>
internal sealed class PerOperationStrategy
{
    public PerOperationStrategy(double defaultProbability, double defaultLowerBoundPerSecond, IReadOnlyDictionary<string, double>? operations = null)
    {
        DefaultProbability = defaultProbability;
        DefaultLowerBoundPerSecond = defaultLowerBoundPerSecond;
        Operations = operations ?? new Dictionary<string, double>(StringComparer.Ordinal);
    }

    public double DefaultProbability { get; }

    public double DefaultLowerBoundPerSecond { get; }

    /// <summary>Probabilities of the operations the strategy names (by span name, ordinal).</summary>
    public IReadOnlyDictionary<string, double> Operations { get; }

    public static PerOperationStrategy FromOptions(PerOperationSamplerOptions options) =>
        new(options.DefaultProbability, options.DefaultLowerBoundPerSecond);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"peroperation (default probability {DefaultProbability}, lower bound {DefaultLowerBoundPerSecond}/s, {Operations.Count} operations)");
}

using Tracing.Sdk.Tests.Sampling.JaegerGrpc.Proto;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary><c>SamplingStrategyResponse</c> messages as a Jaeger collector builds them (the Google.Protobuf types generated from jaeger_sampling.proto).</summary>
internal static class Strategies
{
    public static SamplingStrategyResponse Probabilistic(double rate) => new()
    {
        StrategyType = SamplingStrategyType.Probabilistic,
        ProbabilisticSampling = new ProbabilisticSamplingStrategy { SamplingRate = rate },
    };

    public static SamplingStrategyResponse RateLimiting(int perSecond) => new()
    {
        StrategyType = SamplingStrategyType.RateLimiting,
        RateLimitingSampling = new RateLimitingSamplingStrategy { MaxTracesPerSecond = perSecond },
    };

    /// <summary>Per-operation, with strategyType left at PROBABILISTIC as the IDL lets producers do.</summary>
    public static SamplingStrategyResponse PerOperation(double defaultProbability, double lowerBound, params (string Operation, double Rate)[] operations)
    {
        var perOperation = new PerOperationSamplingStrategies
        {
            DefaultSamplingProbability = defaultProbability,
            DefaultLowerBoundTracesPerSecond = lowerBound,
            DefaultUpperBoundTracesPerSecond = 100,
        };
        foreach (var (operation, rate) in operations)
        {
            perOperation.PerOperationStrategies.Add(new OperationSamplingStrategy
            {
                Operation = operation,
                ProbabilisticSampling = new ProbabilisticSamplingStrategy { SamplingRate = rate },
            });
        }

        return new SamplingStrategyResponse
        {
            StrategyType = SamplingStrategyType.Probabilistic,
            ProbabilisticSampling = new ProbabilisticSamplingStrategy { SamplingRate = defaultProbability },
            OperationSampling = perOperation,
        };
    }
}

namespace Tracing.Sdk.Sampling.JaegerGrpc;

/// <summary>
/// The Jaeger sampling service as the Jaeger IDL defines it (<c>proto/api_v2/sampling.proto</c>, package
/// <c>jaeger.api_v2</c>): the method's path and the field numbers of the messages it exchanges. Field
/// names are the IDL's (camelCase), so that errors name fields as the server's authors know them.
/// </summary>
internal static class SamplingManagerProto
{
    /// <summary>
    /// <c>service SamplingManager { rpc GetSamplingStrategy(SamplingStrategyParameters) returns (SamplingStrategyResponse) }</c>,
    /// addressed as <c>/{package}.{service}/{method}</c> (PROTOCOL-HTTP2.md, "Path").
    /// </summary>
    public const string MethodPath = "jaeger.api_v2.SamplingManager/GetSamplingStrategy";

    /// <summary><c>SamplingStrategyParameters.serviceName</c> (string).</summary>
    public const int ParametersServiceName = 1;

    /// <summary><c>SamplingStrategyResponse.strategyType</c> (enum SamplingStrategyType: PROBABILISTIC = 0, RATE_LIMITING = 1).</summary>
    public const int ResponseStrategyType = 1;

    /// <summary><c>SamplingStrategyResponse.probabilisticSampling</c> (ProbabilisticSamplingStrategy).</summary>
    public const int ResponseProbabilisticSampling = 2;

    /// <summary><c>SamplingStrategyResponse.rateLimitingSampling</c> (RateLimitingSamplingStrategy).</summary>
    public const int ResponseRateLimitingSampling = 3;

    /// <summary><c>SamplingStrategyResponse.operationSampling</c> (PerOperationSamplingStrategies).</summary>
    public const int ResponseOperationSampling = 4;

    /// <summary><c>ProbabilisticSamplingStrategy.samplingRate</c> (double).</summary>
    public const int ProbabilisticSamplingRate = 1;

    /// <summary><c>RateLimitingSamplingStrategy.maxTracesPerSecond</c> (int32).</summary>
    public const int RateLimitingMaxTracesPerSecond = 1;

    /// <summary><c>PerOperationSamplingStrategies.defaultSamplingProbability</c> (double).</summary>
    public const int OperationsDefaultSamplingProbability = 1;

    /// <summary><c>PerOperationSamplingStrategies.defaultLowerBoundTracesPerSecond</c> (double).</summary>
    public const int OperationsDefaultLowerBound = 2;

    /// <summary><c>PerOperationSamplingStrategies.perOperationStrategies</c> (repeated OperationSamplingStrategy).</summary>
    public const int OperationsPerOperationStrategies = 3;

    /// <summary><c>PerOperationSamplingStrategies.defaultUpperBoundTracesPerSecond</c> (double).</summary>
    public const int OperationsDefaultUpperBound = 4;

    /// <summary><c>OperationSamplingStrategy.operation</c> (string).</summary>
    public const int OperationName = 1;

    /// <summary><c>OperationSamplingStrategy.probabilisticSampling</c> (ProbabilisticSamplingStrategy).</summary>
    public const int OperationProbabilisticSampling = 2;

    /// <summary><c>SamplingStrategyType.PROBABILISTIC</c>.</summary>
    public const int StrategyTypeProbabilistic = 0;

    /// <summary><c>SamplingStrategyType.RATE_LIMITING</c>.</summary>
    public const int StrategyTypeRateLimiting = 1;
}

namespace Tracing.Sdk.Sampling;

/// <summary>What one request to a sampling endpoint gave: the encoded answer, or why there is none.</summary>
internal readonly struct StrategyFetch
{
    private StrategyFetch(ReadOnlyMemory<byte> answer, string? failure)
    {
        Answer = answer;
        Failure = failure;
    }

    /// <summary>The strategy as the server encoded it (JSON, or the protobuf message without its gRPC frame).</summary>
    public ReadOnlyMemory<byte> Answer { get; }

    /// <summary>Why the server gave no answer (an HTTP or gRPC status, a bad frame), or null when it did.</summary>
    public string? Failure { get; }

    public static StrategyFetch Succeeded(ReadOnlyMemory<byte> answer) => new(answer, null);

    public static StrategyFetch Failed(string failure) => new(default, failure);
}

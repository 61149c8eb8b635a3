using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Tracing.Sdk.Protobuf;
using static Tracing.Sdk.Sampling.JaegerGrpc.SamplingManagerProto;

namespace Tracing.Sdk.Sampling.JaegerGrpc;

/// <summary>
/// Decodes the protobuf <c>SamplingStrategyResponse</c> of <c>GetSamplingStrategy</c> (Jaeger IDL
/// <c>proto/api_v2/sampling.proto</c>) into the same <see cref="SamplingStrategy"/> the HTTP/JSON answer
/// gives, with the checks of <see cref="SamplingStrategyParser"/>: every value the decision uses is finite
/// and in range, or the whole answer is rejected and the sampler keeps its strategy. Nothing throws.
/// <para>
/// Protobuf's rules (protobuf.dev, "Encoding"): unknown fields are skipped; a scalar seen twice keeps its
/// last value and a message field seen twice is merged ("Last One Wins"). A known field with a wire type
/// other than its declared one rejects the answer, as Jaeger's own generated unmarshaller does: reading
/// it as absent would turn a garbled rate into 0.
/// </para>
/// <para>
/// Which strategy: <c>operationSampling</c> when present; otherwise whichever of
/// <c>probabilisticSampling</c> and <c>rateLimitingSampling</c> is present, <c>strategyType</c> deciding
/// only when both are. That is the IDL's advice to consumers: <c>strategyType</c> is a legacy field that
/// producers may leave at 0 (PROBABILISTIC) whatever they send.
/// </para>
/// </summary>
internal static class SamplingStrategyResponseReader
{
    private const string Response = "SamplingStrategyResponse";

    /// <summary>The index that stands for the response's own <c>probabilisticSampling</c>, not an operation's.</summary>
    private const int TopLevel = -1;

    public static bool TryRead(
        ReadOnlySpan<byte> message,
        int maxOperations,
        [NotNullWhen(true)] out SamplingStrategy? strategy,
        [NotNullWhen(false)] out string? error)
    {
        strategy = null;
        var strategyType = StrategyTypeProbabilistic; // proto3: an absent enum is its first value
        var hasProbabilistic = false;
        var samplingRate = 0.0;
        var hasRateLimiting = false;
        var maxTracesPerSecond = 0;
        var hasOperations = false;
        var defaultProbability = 0.0;
        var lowerBound = 0.0;
        var entries = 0;
        Dictionary<string, double>? operations = null;

        var reader = new ProtobufReader(message);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Malformed(Response, reader.Position, out error);
            }

            switch (field)
            {
                case ResponseStrategyType:
                    if (!IsWireType(wireType, ProtobufWireType.Varint, "strategyType", out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadVarint(out var type))
                    {
                        return Malformed(Response, reader.Position, out error);
                    }

                    // Enums are int32 on the wire: a negative value is sign-extended to 64 bits.
                    strategyType = unchecked((int)type);
                    break;
                case ResponseProbabilisticSampling:
                    if (!TryReadEmbedded(ref reader, wireType, "probabilisticSampling", out var probabilistic, out error)
                        || !TryReadProbabilistic(probabilistic, TopLevel, ref samplingRate, out error))
                    {
                        return false;
                    }

                    hasProbabilistic = true;
                    break;
                case ResponseRateLimitingSampling:
                    if (!TryReadEmbedded(ref reader, wireType, "rateLimitingSampling", out var rateLimiting, out error)
                        || !TryReadRateLimiting(rateLimiting, ref maxTracesPerSecond, out error))
                    {
                        return false;
                    }

                    hasRateLimiting = true;
                    break;
                case ResponseOperationSampling:
                    if (!TryReadEmbedded(ref reader, wireType, "operationSampling", out var perOperation, out error)
                        || !TryReadOperations(perOperation, maxOperations, ref defaultProbability, ref lowerBound, operations ??= new(StringComparer.Ordinal), ref entries, out error))
                    {
                        return false;
                    }

                    hasOperations = true;
                    break;
                default:
                    if (!reader.TrySkip(field, wireType))
                    {
                        return Malformed(Response, reader.Position, out error);
                    }

                    break;
            }
        }

        if (hasOperations)
        {
            if (!InRange(defaultProbability, 1, "operationSampling.defaultSamplingProbability", out error)
                || !InRange(lowerBound, double.MaxValue, "operationSampling.defaultLowerBoundTracesPerSecond", out error))
            {
                return false;
            }

            strategy = SamplingStrategy.PerOperation(new PerOperationStrategy(defaultProbability, lowerBound, operations!));
            return true;
        }

        if (hasProbabilistic && hasRateLimiting && strategyType is not (StrategyTypeProbabilistic or StrategyTypeRateLimiting))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"strategyType {strategyType} is not PROBABILISTIC (0) or RATE_LIMITING (1)");
            return false;
        }

        if (hasProbabilistic && !(hasRateLimiting && strategyType == StrategyTypeRateLimiting))
        {
            if (!InRange(samplingRate, 1, "probabilisticSampling.samplingRate", out error))
            {
                return false;
            }

            strategy = SamplingStrategy.Probabilistic(samplingRate);
            return true;
        }

        if (hasRateLimiting)
        {
            if (!InRange(maxTracesPerSecond, double.MaxValue, "rateLimitingSampling.maxTracesPerSecond", out error))
            {
                return false;
            }

            strategy = SamplingStrategy.RateLimiting(maxTracesPerSecond);
            return true;
        }

        error = "the answer holds no strategy (probabilisticSampling, rateLimitingSampling or operationSampling)";
        return false;
    }

    /// <summary>
    /// <c>PerOperationSamplingStrategies</c>, merged into what earlier occurrences gave. Operations past
    /// <paramref name="maxOperations"/> are skipped unread: the sampler would drop them anyway.
    /// </summary>
    private static bool TryReadOperations(
        ReadOnlySpan<byte> message,
        int maxOperations,
        ref double defaultProbability,
        ref double lowerBound,
        Dictionary<string, double> operations,
        ref int entries,
        [NotNullWhen(false)] out string? error)
    {
        const string Path = "operationSampling";
        var reader = new ProtobufReader(message);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Malformed(Path, reader.Position, out error);
            }

            switch (field)
            {
                case OperationsDefaultSamplingProbability:
                    if (!TryReadDouble(ref reader, wireType, "operationSampling.defaultSamplingProbability", out defaultProbability, out error))
                    {
                        return false;
                    }

                    break;
                case OperationsDefaultLowerBound:
                    if (!TryReadDouble(ref reader, wireType, "operationSampling.defaultLowerBoundTracesPerSecond", out lowerBound, out error))
                    {
                        return false;
                    }

                    break;
                case OperationsDefaultUpperBound:
                    // Read for its wire type only: Jaeger clients' guaranteed-throughput sampler has no upper
                    // bound, and the JSON answer's is ignored the same way.
                    if (!TryReadDouble(ref reader, wireType, "operationSampling.defaultUpperBoundTracesPerSecond", out _, out error))
                    {
                        return false;
                    }

                    break;
                case OperationsPerOperationStrategies:
                    var index = entries++;
                    if (!TryReadEmbedded(ref reader, wireType, "operationSampling.perOperationStrategies", out var entry, out error))
                    {
                        return false;
                    }

                    if (operations.Count >= maxOperations)
                    {
                        break;
                    }

                    if (!TryReadOperation(entry, index, out var name, out var rate, out error))
                    {
                        return false;
                    }

                    operations[name] = rate;
                    break;
                default:
                    if (!reader.TrySkip(field, wireType))
                    {
                        return Malformed(Path, reader.Position, out error);
                    }

                    break;
            }
        }

        error = null;
        return true;
    }

    /// <summary><c>OperationSamplingStrategy</c>: the operation's name and its probability, which must be there.</summary>
    private static bool TryReadOperation(
        ReadOnlySpan<byte> message,
        int index,
        [NotNullWhen(true)] out string? name,
        out double rate,
        [NotNullWhen(false)] out string? error)
    {
        // Paths for messages are only built on failure: a good answer with many operations allocates none.
        name = string.Empty;
        rate = 0;
        var hasProbabilistic = false;
        var reader = new ProtobufReader(message);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Malformed(Entry(index), reader.Position, out error);
            }

            switch (field)
            {
                case OperationName:
                    if (!IsWireType(wireType, ProtobufWireType.LengthDelimited, index, ".operation", out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadLengthDelimited(out var utf8))
                    {
                        return Malformed(Entry(index), reader.Position, out error);
                    }

                    // proto3 strings are UTF-8 ("Scalar Value Types"); anything else is not this message.
                    if (!Utf8.IsValid(utf8))
                    {
                        error = Entry(index) + ".operation is not valid UTF-8";
                        return false;
                    }

                    name = Encoding.UTF8.GetString(utf8);
                    break;
                case OperationProbabilisticSampling:
                    if (!IsWireType(wireType, ProtobufWireType.LengthDelimited, index, ".probabilisticSampling", out error))
                    {
                        return false;
                    }

                    if (!reader.TryReadLengthDelimited(out var probabilistic))
                    {
                        return Malformed(Entry(index), reader.Position, out error);
                    }

                    if (!TryReadProbabilistic(probabilistic, index, ref rate, out error))
                    {
                        return false;
                    }

                    hasProbabilistic = true;
                    break;
                default:
                    if (!reader.TrySkip(field, wireType))
                    {
                        return Malformed(Entry(index), reader.Position, out error);
                    }

                    break;
            }
        }

        if (!hasProbabilistic)
        {
            error = Entry(index) + ".probabilisticSampling is missing";
            return false;
        }

        if (!double.IsFinite(rate) || rate is < 0 or > 1)
        {
            return InRange(rate, 1, Entry(index) + ".probabilisticSampling.samplingRate", out error);
        }

        error = null;
        return true;
    }

    /// <summary>
    /// <c>ProbabilisticSamplingStrategy</c>, merged into <paramref name="samplingRate"/>; <paramref name="index"/>
    /// is the operation's, or <see cref="TopLevel"/> for the response's own.
    /// </summary>
    private static bool TryReadProbabilistic(ReadOnlySpan<byte> message, int index, ref double samplingRate, [NotNullWhen(false)] out string? error)
    {
        var reader = new ProtobufReader(message);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Malformed(ProbabilisticPath(index), reader.Position, out error);
            }

            if (field == ProbabilisticSamplingRate)
            {
                if (!IsWireType(wireType, ProtobufWireType.Fixed64, index, ".probabilisticSampling.samplingRate", out error))
                {
                    return false;
                }

                if (!reader.TryReadDouble(out samplingRate))
                {
                    return Malformed(ProbabilisticPath(index), reader.Position, out error);
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return Malformed(ProbabilisticPath(index), reader.Position, out error);
            }
        }

        error = null;
        return true;
    }

    /// <summary><c>RateLimitingSamplingStrategy</c>, merged into <paramref name="maxTracesPerSecond"/>.</summary>
    private static bool TryReadRateLimiting(ReadOnlySpan<byte> message, ref int maxTracesPerSecond, [NotNullWhen(false)] out string? error)
    {
        const string Path = "rateLimitingSampling";
        var reader = new ProtobufReader(message);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Malformed(Path, reader.Position, out error);
            }

            if (field == RateLimitingMaxTracesPerSecond)
            {
                if (!IsWireType(wireType, ProtobufWireType.Varint, Path + ".maxTracesPerSecond", out error))
                {
                    return false;
                }

                if (!reader.TryReadVarint(out var value))
                {
                    return Malformed(Path, reader.Position, out error);
                }

                // int32: a negative value is sent sign-extended to 64 bits; its low 32 bits are the value.
                maxTracesPerSecond = unchecked((int)value);
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return Malformed(Path, reader.Position, out error);
            }
        }

        error = null;
        return true;
    }

    private static bool TryReadEmbedded(
        ref ProtobufReader reader,
        ProtobufWireType wireType,
        string path,
        out ReadOnlySpan<byte> value,
        [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (!IsWireType(wireType, ProtobufWireType.LengthDelimited, path, out error))
        {
            return false;
        }

        return reader.TryReadLengthDelimited(out value) || Malformed(path, reader.Position, out error);
    }

    private static bool TryReadDouble(ref ProtobufReader reader, ProtobufWireType wireType, string path, out double value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        if (!IsWireType(wireType, ProtobufWireType.Fixed64, path, out error))
        {
            return false;
        }

        return reader.TryReadDouble(out value) || Malformed(path, reader.Position, out error);
    }

    private static bool IsWireType(ProtobufWireType actual, ProtobufWireType expected, string path, [NotNullWhen(false)] out string? error)
    {
        error = actual == expected
            ? null
            : $"{path} has wire type {actual}, not {expected}: the answer is not a SamplingStrategyResponse";
        return error is null;
    }

    /// <summary>The wire-type check for a field of an operation entry (or, with <see cref="TopLevel"/>, of the response).</summary>
    private static bool IsWireType(ProtobufWireType actual, ProtobufWireType expected, int index, string field, [NotNullWhen(false)] out string? error)
    {
        if (actual == expected)
        {
            error = null;
            return true;
        }

        return IsWireType(actual, expected, index == TopLevel ? field[1..] : Entry(index) + field, out error);
    }

    private static bool InRange(double value, double max, string path, [NotNullWhen(false)] out string? error)
    {
        if (double.IsFinite(value) && value >= 0 && value <= max)
        {
            error = null;
            return true;
        }

        var range = max == double.MaxValue ? "a finite number >= 0" : string.Create(CultureInfo.InvariantCulture, $"between 0 and {max}");
        error = string.Create(CultureInfo.InvariantCulture, $"{path} {value} is out of range: it must be {range}");
        return false;
    }

    private static bool Malformed(string path, int position, out string error)
    {
        error = string.Create(CultureInfo.InvariantCulture, $"the answer is not valid protobuf: {path} is truncated or malformed at byte {position}");
        return false;
    }

    private static string ProbabilisticPath(int index) => index == TopLevel ? "probabilisticSampling" : Entry(index) + ".probabilisticSampling";

    private static string Entry(int index) => string.Create(CultureInfo.InvariantCulture, $"operationSampling.perOperationStrategies[{index}]");
}

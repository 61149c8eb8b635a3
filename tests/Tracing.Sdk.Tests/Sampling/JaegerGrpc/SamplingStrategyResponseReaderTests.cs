using System.Globalization;
using Google.Protobuf;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Sampling.JaegerGrpc;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc.Proto;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>
/// The hand-written decoder of <c>SamplingStrategyResponse</c> against Google.Protobuf, the reference
/// implementation: what Google.Protobuf writes (generated from jaeger_sampling.proto) is read to the same
/// strategy; what Google.Protobuf cannot parse is rejected; nothing throws.
/// </summary>
public sealed class SamplingStrategyResponseReaderTests
{
    private const int MaxOperations = 2000;

    [Theory]
    [InlineData(0)]
    [InlineData(0.001)]
    [InlineData(0.5)]
    [InlineData(1)]
    public void Probabilistic_IsReadAsWritten(double rate)
    {
        var strategy = Read(Strategies.Probabilistic(rate));

        Assert.Equal(SamplingStrategyKind.Probabilistic, strategy.Kind);
        Assert.Equal(rate, strategy.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(150)]
    [InlineData(int.MaxValue)]
    public void RateLimiting_IsReadAsWritten(int perSecond)
    {
        var strategy = Read(Strategies.RateLimiting(perSecond));

        Assert.Equal(SamplingStrategyKind.RateLimiting, strategy.Kind);
        Assert.Equal(perSecond, strategy.Value);
    }

    [Fact]
    public void PerOperation_IsReadAsWritten_AndWinsOverTheOtherFields()
    {
        var response = Strategies.PerOperation(0.01, 0.5, ("GET /a", 1), ("POST /b", 0.25), ("", 0), ("naïve ✓", 0.75));
        response.RateLimitingSampling = new RateLimitingSamplingStrategy { MaxTracesPerSecond = 9 };

        var strategy = Read(response);

        Assert.Equal(SamplingStrategyKind.PerOperation, strategy.Kind);
        Assert.Equal(0.01, strategy.Operations!.DefaultProbability);
        Assert.Equal(0.5, strategy.Operations.DefaultLowerBoundPerSecond);
        Assert.Equal(
            new Dictionary<string, double> { ["GET /a"] = 1, ["POST /b"] = 0.25, [""] = 0, ["naïve ✓"] = 0.75 },
            strategy.Operations.Operations);
    }

    [Theory]
    [InlineData(true, true, 0, "Probabilistic")]   // both present: strategyType decides
    [InlineData(true, true, 1, "RateLimiting")]
    [InlineData(false, true, 0, "RateLimiting")]   // strategyType left at 0: the present field decides (IDL advice)
    [InlineData(true, false, 1, "Probabilistic")]  // a stale strategyType is ignored the same way
    public void StrategyType_DecidesOnlyWhenBothStrategiesArePresent(bool probabilistic, bool rateLimiting, int type, string expected)
    {
        var response = new SamplingStrategyResponse { StrategyType = (SamplingStrategyType)type };
        if (probabilistic)
        {
            response.ProbabilisticSampling = new ProbabilisticSamplingStrategy { SamplingRate = 0.5 };
        }

        if (rateLimiting)
        {
            response.RateLimitingSampling = new RateLimitingSamplingStrategy { MaxTracesPerSecond = 5 };
        }

        Assert.Equal(expected, Read(response).Kind.ToString());
    }

    [Fact]
    public void UnknownStrategyType_WithBothStrategies_IsRejected()
    {
        var response = new SamplingStrategyResponse
        {
            StrategyType = (SamplingStrategyType)7,
            ProbabilisticSampling = new ProbabilisticSamplingStrategy { SamplingRate = 0.5 },
            RateLimitingSampling = new RateLimitingSamplingStrategy { MaxTracesPerSecond = 5 },
        };

        Assert.Contains("strategyType 7 is not PROBABILISTIC (0) or RATE_LIMITING (1)", Reject(response.ToByteArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyStrategyMessages_MeanZero_AsInProto3()
    {
        // proto3 writes no field equal to its default: an empty sub-message is "present, rate 0".
        Assert.Equal(0, Read(new SamplingStrategyResponse { ProbabilisticSampling = new() }).Value);
        Assert.Equal(SamplingStrategyKind.RateLimiting, Read(new SamplingStrategyResponse { RateLimitingSampling = new() }).Kind);
        var perOperation = Read(new SamplingStrategyResponse { OperationSampling = new() });
        Assert.Equal(SamplingStrategyKind.PerOperation, perOperation.Kind);
        Assert.Empty(perOperation.Operations!.Operations);
    }

    [Fact]
    public void UnknownFields_AreSkipped_AtEveryLevel()
    {
        var entry = UnknownFields.AddTo(
            new OperationSamplingStrategy
            {
                Operation = "op",
                ProbabilisticSampling = UnknownFields.AddTo(new ProbabilisticSamplingStrategy { SamplingRate = 0.3 }, ProbabilisticSamplingStrategy.Parser),
            },
            OperationSamplingStrategy.Parser);
        var operations = new PerOperationSamplingStrategies { DefaultSamplingProbability = 0.2, DefaultLowerBoundTracesPerSecond = 1 };
        operations.PerOperationStrategies.Add(entry);
        var response = UnknownFields.AddTo(
            new SamplingStrategyResponse { OperationSampling = UnknownFields.AddTo(operations, PerOperationSamplingStrategies.Parser) },
            SamplingStrategyResponse.Parser);

        var strategy = Read(response);

        Assert.Equal(0.2, strategy.Operations!.DefaultProbability);
        Assert.Equal(0.3, strategy.Operations.Operations["op"]);
    }

    [Fact]
    public void FieldsSeenTwice_AreMerged_AsGoogleProtobufMerges()
    {
        // Two encoded messages one after the other are one message: scalars last-wins, sub-messages merged,
        // repeated fields appended (encoding guide, "Last One Wins").
        var first = Strategies.PerOperation(0.1, 1, ("a", 0.5));
        var second = new SamplingStrategyResponse { OperationSampling = new PerOperationSamplingStrategies { DefaultLowerBoundTracesPerSecond = 3 } };
        second.OperationSampling.PerOperationStrategies.Add(new OperationSamplingStrategy { Operation = "b", ProbabilisticSampling = new() { SamplingRate = 0.75 } });
        byte[] both = [.. first.ToByteArray(), .. second.ToByteArray()];
        var reference = SamplingStrategyResponse.Parser.ParseFrom(both);

        var strategy = Read(both);

        Assert.Equal(Describe(reference), Describe(strategy));
        Assert.Equal(0.1, strategy.Operations!.DefaultProbability); // absent in the second: kept
        Assert.Equal(3, strategy.Operations.DefaultLowerBoundPerSecond);
        Assert.Equal(["a", "b"], strategy.Operations.Operations.Keys.Order());
    }

    [Fact]
    public void OperationsBeyondTheLimit_AreIgnored()
    {
        var response = Strategies.PerOperation(0, 0, ("a", 1), ("b", 1), ("c", 1), ("d", 1));

        Assert.True(SamplingStrategyResponseReader.TryRead(response.ToByteArray(), maxOperations: 2, out var strategy, out _));

        Assert.Equal(["a", "b"], strategy.Operations!.Operations.Keys.Order());
    }

    [Fact]
    public void RandomAnswers_ReadAsGoogleProtobufReadsThem()
    {
        var random = new Random(20_260_425);
        for (var i = 0; i < 300; i++)
        {
            var response = RandomResponse(random);
            var bytes = response.ToByteArray();

            Assert.True(SamplingStrategyResponseReader.TryRead(bytes, MaxOperations, out var strategy, out var error), error);
            Assert.Equal(Describe(SamplingStrategyResponse.Parser.ParseFrom(bytes)), Describe(strategy));
        }
    }

    [Fact]
    public void EveryPrefixOfAnAnswer_IsRejectedWhereGoogleProtobufFails_AndNeverThrows()
    {
        var response = UnknownFields.AddTo(Strategies.PerOperation(0.125, 2, ("checkout", 0.5), ("health", 0)), SamplingStrategyResponse.Parser);
        var bytes = response.ToByteArray();

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            SamplingStrategyResponse? reference;
            try
            {
                reference = SamplingStrategyResponse.Parser.ParseFrom(prefix);
            }
            catch (InvalidProtocolBufferException)
            {
                reference = null;
            }

            var read = SamplingStrategyResponseReader.TryRead(prefix, MaxOperations, out var strategy, out var error);
            if (reference is null)
            {
                Assert.False(read, $"a {length}-byte prefix that Google.Protobuf rejects was read");
                Assert.NotNull(error);
            }
            else if (read)
            {
                // A prefix that ends between fields is a smaller, valid message: read alike.
                Assert.Equal(Describe(reference), Describe(strategy!));
            }
        }
    }

    [Fact]
    public void RandomBytesAndBitFlips_NeverThrow()
    {
        var random = new Random(7);
        var valid = Strategies.PerOperation(0.5, 1, ("a", 0.5), ("b", 1)).ToByteArray();
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            _ = SamplingStrategyResponseReader.TryRead(bytes, MaxOperations, out _, out _);

            var flipped = valid.ToArray();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            if (!SamplingStrategyResponseReader.TryRead(flipped, MaxOperations, out _, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }
    }

    [Theory]
    [InlineData("08", "truncated or malformed")]                         // strategyType's tag, then no varint
    [InlineData("12", "truncated or malformed")]                         // probabilisticSampling's tag, then no length
    [InlineData("1209090000000000E0", "truncated or malformed")]         // says 9 bytes, holds 8
    [InlineData("120209E0", "probabilisticSampling is truncated")]       // samplingRate with one of its eight bytes
    [InlineData("00", "truncated or malformed")]                         // field number 0 is reserved
    [InlineData("0E", "truncated or malformed")]                         // wire type 6 does not exist
    [InlineData("0F", "truncated or malformed")]                         // nor does 7
    [InlineData("FFFFFFFFFFFFFFFFFFFF01", "truncated or malformed")]     // an eleven-byte varint
    [InlineData("A401", "truncated or malformed")]                       // an end-group (field 20) that closes nothing
    [InlineData("9B01A401", "truncated or malformed")]                   // group 19 closed as group 20
    [InlineData("9B01", "truncated or malformed")]                       // group 19 never closed
    [InlineData("7AFFFFFFFF0F", "truncated or malformed")]               // an unknown field 15 claiming 4 GiB
    [InlineData("", "holds no strategy")]                                // the empty message
    public void MalformedAnswers_AreRejected(string hex, string expected) =>
        Assert.Contains(expected, Reject(Convert.FromHexString(hex)), StringComparison.Ordinal);

    [Theory]
    [InlineData("1001", "probabilisticSampling has wire type Varint, not LengthDelimited")]                                 // a message field as a number
    [InlineData("0A00", "strategyType has wire type LengthDelimited, not Varint")]                                          // an enum as bytes
    [InlineData("12020801", "probabilisticSampling.samplingRate has wire type Varint, not Fixed64")]                        // a double as a varint
    [InlineData("1A050D00000000", "rateLimitingSampling.maxTracesPerSecond has wire type Fixed32, not Varint")]             // an int32 as fixed32
    [InlineData("22020801", "operationSampling.defaultSamplingProbability has wire type Varint, not Fixed64")]              // a double as a varint
    [InlineData("21000000000000F03F", "operationSampling has wire type Fixed64, not LengthDelimited")]                     // a message as a double
    [InlineData("22041A020801", "operationSampling.perOperationStrategies[0].operation has wire type Varint")]              // a string as a number
    [InlineData("22061A0412020801", "perOperationStrategies[0].probabilisticSampling.samplingRate has wire type Varint")]  // an operation's rate as a varint
    public void KnownFieldsWithTheWrongWireType_AreRejected(string hex, string expected) =>
        Assert.Contains(expected, Reject(Convert.FromHexString(hex)), StringComparison.Ordinal);

    public static TheoryData<string, SamplingStrategyResponse, string> OutOfRange() => new()
    {
        { "rate above 1", Strategies.Probabilistic(1.5), "probabilisticSampling.samplingRate 1.5 is out of range: it must be between 0 and 1" },
        { "negative rate", Strategies.Probabilistic(-0.1), "probabilisticSampling.samplingRate -0.1 is out of range" },
        { "NaN rate", Strategies.Probabilistic(double.NaN), "probabilisticSampling.samplingRate NaN is out of range" },
        { "negative traces per second", Strategies.RateLimiting(-3), "rateLimitingSampling.maxTracesPerSecond -3 is out of range: it must be a finite number >= 0" },
        { "negative default", Strategies.PerOperation(-1, 0), "operationSampling.defaultSamplingProbability -1 is out of range" },
        { "infinite lower bound", Strategies.PerOperation(0, double.PositiveInfinity), "operationSampling.defaultLowerBoundTracesPerSecond Infinity is out of range" },
        { "operation rate above 1", Strategies.PerOperation(0, 0, ("a", 0.5), ("b", 2)), "operationSampling.perOperationStrategies[1].probabilisticSampling.samplingRate 2 is out of range" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void ValuesOutOfRange_RejectTheWholeAnswer(string why, SamplingStrategyResponse response, string expected)
    {
        var error = Reject(response.ToByteArray());

        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{why}: {error}");
    }

    [Fact]
    public void OperationWithoutItsProbability_IsRejected_AsInTheJsonAnswer()
    {
        var response = new SamplingStrategyResponse { OperationSampling = new() };
        response.OperationSampling.PerOperationStrategies.Add(new OperationSamplingStrategy { Operation = "a" });

        Assert.Contains("operationSampling.perOperationStrategies[0].probabilisticSampling is missing", Reject(response.ToByteArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void OperationNameThatIsNotUtf8_IsRejected()
    {
        // operationSampling { perOperationStrategies { operation = FF FE; probabilisticSampling {} } }
        var bytes = Convert.FromHexString("22081A060A02FFFE1200");

        Assert.Contains("perOperationStrategies[0].operation is not valid UTF-8", Reject(bytes), StringComparison.Ordinal);
    }

    private static SamplingStrategy Read(SamplingStrategyResponse response) => Read(response.ToByteArray());

    private static SamplingStrategy Read(byte[] bytes)
    {
        Assert.True(SamplingStrategyResponseReader.TryRead(bytes, MaxOperations, out var strategy, out var error), error);
        return strategy;
    }

    private static string Reject(byte[] bytes)
    {
        Assert.False(SamplingStrategyResponseReader.TryRead(bytes, MaxOperations, out var strategy, out var error));
        Assert.Null(strategy);
        return error;
    }

    /// <summary>A strategy in one comparable line.</summary>
    private static string Describe(SamplingStrategy strategy) => strategy.Kind switch
    {
        SamplingStrategyKind.PerOperation => string.Create(
            CultureInfo.InvariantCulture,
            $"peroperation {strategy.Operations!.DefaultProbability:R} {strategy.Operations.DefaultLowerBoundPerSecond:R} {string.Join(";", strategy.Operations.Operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value:R}"))}"),
        SamplingStrategyKind.RateLimiting => string.Create(CultureInfo.InvariantCulture, $"ratelimiting {strategy.Value:R}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"probabilistic {strategy.Value:R}"),
    };

    /// <summary>
    /// The strategy a Google.Protobuf message means, by the IDL's rules (sampling.proto, on strategyType):
    /// operationSampling first, then whichever strategy field is set, strategyType deciding between both.
    /// </summary>
    private static string Describe(SamplingStrategyResponse response)
    {
        if (response.OperationSampling is { } perOperation)
        {
            var operations = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var entry in perOperation.PerOperationStrategies)
            {
                operations[entry.Operation] = entry.ProbabilisticSampling.SamplingRate;
            }

            return Describe(SamplingStrategy.PerOperation(new PerOperationStrategy(
                perOperation.DefaultSamplingProbability, perOperation.DefaultLowerBoundTracesPerSecond, operations)));
        }

        var rateLimiting = response.RateLimitingSampling is not null
            && (response.ProbabilisticSampling is null || response.StrategyType == SamplingStrategyType.RateLimiting);
        return rateLimiting
            ? Describe(SamplingStrategy.RateLimiting(response.RateLimitingSampling!.MaxTracesPerSecond))
            : Describe(SamplingStrategy.Probabilistic(response.ProbabilisticSampling!.SamplingRate));
    }

    private static SamplingStrategyResponse RandomResponse(Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                return Strategies.Probabilistic(random.NextDouble());
            case 1:
                return Strategies.RateLimiting(random.Next(0, 10_000));
            default:
                var operations = Enumerable.Range(0, random.Next(0, 20))
                    .Select(i => ($"op-{random.Next(50)}", Math.Round(random.NextDouble(), random.Next(1, 16))))
                    .ToArray();
                var response = Strategies.PerOperation(random.NextDouble(), random.NextDouble() * 10, operations);
                response.StrategyType = (SamplingStrategyType)random.Next(2);
                return response;
        }
    }
}

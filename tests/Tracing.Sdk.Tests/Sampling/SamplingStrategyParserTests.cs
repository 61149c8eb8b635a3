using System.Text;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class SamplingStrategyParserTests
{
    [Theory]
    [InlineData("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.25}}""")] // collector, proto3 names
    [InlineData("""{"strategyType":0,"probabilisticSampling":{"samplingRate":0.25}}""")]               // agent, Thrift enum number
    [InlineData("""{"probabilisticSampling":{"samplingRate":0.25}}""")]                                 // type left out
    [InlineData("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":"0.25"}}""")] // proto3: a double as a string
    [InlineData("""{"strategyType":"probabilistic","probabilisticSampling":{"samplingRate":0.25},"extra":[1,2]}""")]
    public void Probabilistic_IsReadInEveryForm(string json)
    {
        var strategy = Parse(json);

        Assert.Equal(SamplingStrategyKind.Probabilistic, strategy.Kind);
        Assert.Equal(0.25, strategy.Value);
    }

    [Theory]
    [InlineData("""{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":5}}""")]
    [InlineData("""{"strategyType":1,"rateLimitingSampling":{"maxTracesPerSecond":5}}""")]
    [InlineData("""{"rateLimitingSampling":{"maxTracesPerSecond":5}}""")]
    public void RateLimiting_IsRead(string json)
    {
        var strategy = Parse(json);

        Assert.Equal(SamplingStrategyKind.RateLimiting, strategy.Kind);
        Assert.Equal(5, strategy.Value);
    }

    [Fact]
    public void OperationSampling_WinsAndIsReadWithItsDefaults()
    {
        var strategy = Parse("""
            {
              "strategyType": "PROBABILISTIC",
              "probabilisticSampling": { "samplingRate": 0.5 },
              "operationSampling": {
                "defaultSamplingProbability": 0.001,
                "defaultLowerBoundTracesPerSecond": 0.0167,
                "perOperationStrategies": [
                  { "operation": "GET /users/{id}", "probabilisticSampling": { "samplingRate": 0.1 } },
                  { "operation": "POST /orders", "probabilisticSampling": { "samplingRate": 1 } }
                ]
              }
            }
            """);

        Assert.Equal(SamplingStrategyKind.PerOperation, strategy.Kind);
        var operations = strategy.Operations!;
        Assert.Equal(0.001, operations.DefaultProbability);
        Assert.Equal(0.0167, operations.DefaultLowerBoundPerSecond);
        Assert.Equal(0.1, operations.Operations["GET /users/{id}"]);
        Assert.Equal(1.0, operations.Operations["POST /orders"]);
    }

    [Fact]
    public void OperationSampling_OmittedFieldsAreZero_AsProto3Writes()
    {
        var strategy = Parse("""{"operationSampling":{"perOperationStrategies":[{"operation":"a","probabilisticSampling":{}}]}}""");

        Assert.Equal(0, strategy.Operations!.DefaultProbability);
        Assert.Equal(0, strategy.Operations.DefaultLowerBoundPerSecond);
        Assert.Equal(0, strategy.Operations.Operations["a"]);
    }

    [Fact]
    public void PerOperationStrategies_BeyondMaxOperations_AreIgnored()
    {
        var entries = string.Join(",", Enumerable.Range(0, 50).Select(i => "{\"operation\":\"op" + i + "\",\"probabilisticSampling\":{\"samplingRate\":0.5}}"));
        var json = "{\"operationSampling\":{\"defaultSamplingProbability\":0.1,\"perOperationStrategies\":[" + entries + "]}}";

        Assert.True(SamplingStrategyParser.TryParse(Encoding.UTF8.GetBytes(json), 10, out var strategy, out _));
        Assert.Equal(10, strategy!.Operations!.Operations.Count);
    }

    [Theory]
    [InlineData("not json at all")]                                                                     // not JSON
    [InlineData("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.5}""")]   // truncated
    [InlineData("""[{"probabilisticSampling":{"samplingRate":0.5}}]""")]                                // an array, not an object
    [InlineData("""{}""")]                                                                              // no strategy at all
    [InlineData("""{"strategyType":"ADAPTIVE","probabilisticSampling":{"samplingRate":0.5}}""")]        // unknown type name
    [InlineData("""{"strategyType":7,"probabilisticSampling":{"samplingRate":0.5}}""")]                 // unknown type number
    [InlineData("""{"strategyType":"PROBABILISTIC","rateLimitingSampling":{"maxTracesPerSecond":5}}""")] // type without its object
    [InlineData("""{"probabilisticSampling":{"samplingRate":true}}""")]                                 // wrong type: boolean
    [InlineData("""{"probabilisticSampling":{"samplingRate":{"value":0.5}}}""")]                        // wrong type: object
    [InlineData("""{"probabilisticSampling":0.5}""")]                                                   // wrong type: number for an object
    [InlineData("""{"probabilisticSampling":{"samplingRate":"NaN"}}""")]                                // NaN
    [InlineData("""{"probabilisticSampling":{"samplingRate":"Infinity"}}""")]                           // infinite
    [InlineData("""{"probabilisticSampling":{"samplingRate":1e400}}""")]                                // overflows a double
    [InlineData("""{"probabilisticSampling":{"samplingRate":-0.1}}""")]                                 // negative probability
    [InlineData("""{"probabilisticSampling":{"samplingRate":1.5}}""")]                                  // probability above 1
    [InlineData("""{"rateLimitingSampling":{"maxTracesPerSecond":-5}}""")]                              // negative rate
    [InlineData("""{"rateLimitingSampling":{"maxTracesPerSecond":"fast"}}""")]                          // not a number
    [InlineData("""{"operationSampling":[]}""")]                                                        // wrong type for operationSampling
    [InlineData("""{"operationSampling":{"defaultSamplingProbability":2}}""")]                          // default probability above 1
    [InlineData("""{"operationSampling":{"defaultLowerBoundTracesPerSecond":-1}}""")]                   // negative lower bound
    [InlineData("""{"operationSampling":{"perOperationStrategies":{"operation":"a"}}}""")]              // list is an object
    [InlineData("""{"operationSampling":{"perOperationStrategies":[{"operation":5,"probabilisticSampling":{"samplingRate":1}}]}}""")] // name not a string
    [InlineData("""{"operationSampling":{"perOperationStrategies":[{"operation":"a"}]}}""")]            // no probabilisticSampling
    [InlineData("""{"operationSampling":{"perOperationStrategies":[{"operation":"a","probabilisticSampling":{"samplingRate":"NaN"}}]}}""")] // NaN per operation
    [InlineData("""{"operationSampling":{"perOperationStrategies":["a"]}}""")]                          // entry not an object
    public void MalformedOrHostileAnswers_AreRejectedWithAReason(string json)
    {
        Assert.False(SamplingStrategyParser.TryParse(Encoding.UTF8.GetBytes(json), 100, out var strategy, out var error));
        Assert.Null(strategy);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void DeeplyNestedAnswers_AreRejected()
    {
        var json = "{\"probabilisticSampling\":{\"samplingRate\":0.5},\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.False(SamplingStrategyParser.TryParse(Encoding.UTF8.GetBytes(json), 100, out _, out var error));
        Assert.Contains("depth", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Errors_AreShort_EvenForHugeValues()
    {
        var json = "{\"strategyType\":\"" + new string('x', 100_000) + "\"}";

        Assert.False(SamplingStrategyParser.TryParse(Encoding.UTF8.GetBytes(json), 100, out _, out var error));
        Assert.True(error!.Length < 300);
    }

    private static SamplingStrategy Parse(string json)
    {
        Assert.True(SamplingStrategyParser.TryParse(Encoding.UTF8.GetBytes(json), 100, out var strategy, out var error), error);
        return strategy!;
    }
}

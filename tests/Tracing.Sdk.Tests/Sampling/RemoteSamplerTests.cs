using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.RemotePolls;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>The remote policy against a real Jaeger-style sampling endpoint on 127.0.0.1 that changes its answer.</summary>
public sealed class RemoteSamplerTests
{
    private static readonly TimeSpan s_interval = RemotePolls.Interval;

    private const string Probabilistic1 = """{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1}}""";
    private const string RateLimiting2 = """{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":2}}""";

    [Fact]
    public async Task InitialProbability_DecidesUntilTheFirstAnswer_ThenEachNewAnswerSwitchesTheStrategy()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        var time = new FakeTimeProvider();
        using var sampler = Create(server.Endpoint, time, initialProbability: 0);

        // Before any answer: the initial probability (0 here).
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled());
        Assert.Null(sampler.Strategy);

        Assert.True(await StartAndWaitAsync(sampler));
        var kept = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));
        Assert.True(kept.IsSampled());
        Assert.Equal("probabilistic", kept.Tag("sampler.type"));
        Assert.Equal(1.0, kept.Tag("sampler.param"));

        server.Answer(RateLimiting2);
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled()));

        server.Answer("""
            {"operationSampling":{"defaultSamplingProbability":0,"defaultLowerBoundTracesPerSecond":0,
              "perOperationStrategies":[{"operation":"hot","probabilisticSampling":{"samplingRate":1}}]}}
            """);
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.PerOperation, sampler.Strategy!.Kind);
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "hot")).IsSampled());
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "cold")).IsSampled());
    }

    [Fact]
    public async Task BeforeTheFirstAnswer_KeptRootsAreTaggedRemote()
    {
        using var sampler = Create(ClosedPort.Endpoint(), new FakeTimeProvider(), initialProbability: 1);

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));

        Assert.Equal("remote", result.Tag("sampler.type"));
        Assert.Equal(1.0, result.Tag("sampler.param"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Polls_AskForThisServiceByName_WithoutTraceHeaders()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        using var sampler = Create(server.Endpoint, new FakeTimeProvider(), serviceName: "orders api/v2");
        using var ambient = new Activity("ambient").SetIdFormat(ActivityIdFormat.W3C).Start();

        Assert.True(await StartAndWaitAsync(sampler));

        Assert.Equal(RemoteSamplingProtocol.Http, sampler.Protocol); // auto: the endpoint has a path
        var request = Assert.Single(server.Requests);
        Assert.Equal("/sampling", request.Path);
        Assert.Equal("?service=orders%20api%2Fv2", request.Query);
        Assert.False(request.Headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task EndpointWithAQuery_KeepsItAndAddsTheService()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        using var sampler = Create(server.Endpoint + "?tenant=a", new FakeTimeProvider(), serviceName: "svc");

        Assert.True(await StartAndWaitAsync(sampler));

        Assert.Equal("?tenant=a&service=svc", Assert.Single(server.Requests).Query);
    }

    [Fact]
    public async Task ExplicitHttp_WithAnEndpointWithoutPath_StillPollsOverHttp()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        var options = new RemoteSamplerOptions { Endpoint = server.BaseAddress, Protocol = RemoteSamplingProtocol.Http, PollingIntervalSeconds = s_interval.TotalSeconds };
        using var sampler = new RemoteSampler(options, 100, TraceIdBits.W3c, "svc", new FakeTimeProvider(), new FakeLogger());

        Assert.True(await StartAndWaitAsync(sampler));

        Assert.Equal(RemoteSamplingProtocol.Http, sampler.Protocol);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/", request.Path);
        Assert.Equal("?service=svc", request.Query);
    }

    public static TheoryData<string, byte[], int> BadAnswers() => new()
    {
        { "HTTP 500", "{}"u8.ToArray(), 500 },
        { "not JSON", "<html>oops</html>"u8.ToArray(), 200 },
        { "larger than the limit", HugeAnswer(), 200 },
        { "deeply nested", System.Text.Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}"), 200 },
        { "wrong types", """{"probabilisticSampling":{"samplingRate":"half"}}"""u8.ToArray(), 200 },
        { "NaN rate", """{"probabilisticSampling":{"samplingRate":"NaN"}}"""u8.ToArray(), 200 },
        { "negative rate", """{"rateLimitingSampling":{"maxTracesPerSecond":-3}}"""u8.ToArray(), 200 },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task BadAnswer_KeepsTheLastGoodStrategy_AndPollingGoesOn(string why, byte[] body, int status)
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        var time = new FakeTimeProvider();
        using var sampler = Create(server.Endpoint, time);
        Assert.True(await StartAndWaitAsync(sampler));

        server.Answer(body, status);
        Assert.False(await AdvanceAndWaitAsync(sampler, time), why);
        Assert.False(await AdvanceAndWaitAsync(sampler, time), why);

        Assert.Equal(SamplingStrategyKind.Probabilistic, sampler.Strategy!.Kind);
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled());
        Assert.Equal(3, server.Requests.Count);

        server.Answer(RateLimiting2);
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
    }

    [Fact]
    public async Task StalledAnswer_TimesOut_AndPollingResumes()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Stall();
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        using var sampler = Create(server.Endpoint, time, logger: logger, requestTimeout: TimeSpan.FromMilliseconds(300));

        Assert.False(await StartAndWaitAsync(sampler));
        Assert.Contains("no complete answer within 0.3 s", logger.Collector.LatestRecord.Message, StringComparison.Ordinal);

        server.Answer(RateLimiting2);
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
    }

    [Fact]
    public async Task EndpointDown_KeepsTheInitialProbability_NeverThrows_KeepsPolling()
    {
        var time = new FakeTimeProvider();
        using var sampler = Create(ClosedPort.Endpoint(), time, initialProbability: 1);

        Assert.False(await StartAndWaitAsync(sampler));
        Assert.False(await AdvanceAndWaitAsync(sampler, time));

        Assert.Null(sampler.Strategy);
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled());
    }

    [Fact]
    public async Task Failures_AreLoggedOncePerStreak_AndTheRecoveryIsLogged()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer("{}", 503);
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        using var sampler = Create(server.Endpoint, time, logger: logger);

        Assert.False(await StartAndWaitAsync(sampler));
        Assert.False(await AdvanceAndWaitAsync(sampler, time));
        Assert.False(await AdvanceAndWaitAsync(sampler, time));
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("HTTP 503", logger.Collector.LatestRecord.Message, StringComparison.Ordinal);

        server.Answer(Probabilistic1);
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        var recovered = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 302);
        Assert.Contains("after 3 failed polls", recovered.Message, StringComparison.Ordinal);

        server.Answer("garbage");
        Assert.False(await AdvanceAndWaitAsync(sampler, time));
        Assert.False(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(2, logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning)); // a new streak, logged once
    }

    [Fact]
    public async Task SameAnswerAgain_KeepsTheLiveSampler()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(RateLimiting2);
        var time = new FakeTimeProvider();
        using var sampler = Create(server.Endpoint, time);
        Assert.True(await StartAndWaitAsync(sampler));
        var live = sampler.Current;

        Assert.True(await AdvanceAndWaitAsync(sampler, time));

        Assert.Same(live, sampler.Current); // the rate limiter's spent credit is not handed back
    }

    [Fact]
    public async Task PerOperationStrategy_DecidesEntrySpansLate_ByRoute()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer("""
            {"operationSampling":{"defaultSamplingProbability":0,"defaultLowerBoundTracesPerSecond":0,
              "perOperationStrategies":[{"operation":"GET /checkout","probabilisticSampling":{"samplingRate":1}}]}}
            """);
        using var sampler = Create(server.Endpoint, new FakeTimeProvider());
        Assert.True(await StartAndWaitAsync(sampler));
        using var provider = Provider(new TracingSampler(sampler, parentBased: true));

        Activity.Current = null;
        using var checkout = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server)!;
        Activity.Current = null;
        using var health = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server)!;

        Assert.True(sampler.IsPending(checkout));
        Assert.True(sampler.Decide(checkout, "GET /checkout"));
        Assert.Equal("probabilistic", checkout.GetTagItem("sampler.type"));
        Assert.False(sampler.Decide(health, "GET /health"));
        Assert.False(health.Recorded);
    }

    [Fact]
    public async Task Dispose_StopsPolling()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer(Probabilistic1);
        var time = new FakeTimeProvider();
        var sampler = Create(server.Endpoint, time);
        using var control = Create(server.Endpoint, time, serviceName: "control");
        Assert.True(await StartAndWaitAsync(sampler));
        Assert.True(await StartAndWaitAsync(control));

        sampler.Dispose();
        sampler.Dispose(); // idempotent

        // Three intervals pass on the clock both samplers share. The control, still running, polls at the
        // first; its poll arriving proves the ticks were delivered, so the disposed sampler had its chance.
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(await AdvanceAndWaitAsync(control, time));
        }

        Assert.Equal(4, server.Requests.Count(r => r.Query == "?service=control"));
        Assert.Single(server.Requests, r => r.Query == "?service=checkout");
        Assert.Equal(1, sampler.PollsCompleted);
    }

    private static RemoteSampler Create(
        string endpoint,
        TimeProvider time,
        double initialProbability = 0.001,
        string serviceName = "checkout",
        ILogger? logger = null,
        TimeSpan? requestTimeout = null) =>
        new(
            new RemoteSamplerOptions { Endpoint = endpoint, PollingIntervalSeconds = s_interval.TotalSeconds, InitialProbability = initialProbability },
            maxOperations: 100,
            TraceIdBits.W3c,
            serviceName,
            time,
            logger ?? new FakeLogger(),
            requestTimeout: requestTimeout);

    private static byte[] HugeAnswer()
    {
        // A valid strategy padded past the 1 MiB limit with an ignored field.
        var padding = new string(' ', RemoteStrategyPoller.MaxResponseBytes);
        return System.Text.Encoding.UTF8.GetBytes("{\"probabilisticSampling\":{\"samplingRate\":0.5},\"pad\":\"" + padding + "\"}");
    }
}

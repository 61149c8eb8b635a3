using System.Diagnostics;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc.Proto;
using static Tracing.Sdk.Tests.Sampling.RemotePolls;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// The remote policy over gRPC, against a real Jaeger sampling gRPC server (Grpc.AspNetCore, Kestrel,
/// 127.0.0.1, HTTP/2 cleartext) that changes its answer or fails; time is a fake clock.
/// </summary>
public sealed class RemoteSamplerGrpcTests
{
    [Fact]
    public async Task StrategiesFromTheServer_AreApplied_AndEachChangeIsPickedUp()
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        server.Answer(Strategies.Probabilistic(1));
        var time = new FakeTimeProvider();
        using var sampler = Create(server.Endpoint, time, initialProbability: 0);

        Assert.Equal(RemoteSamplingProtocol.Grpc, sampler.Protocol); // auto: the endpoint has no path
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled());

        Assert.True(await StartAndWaitAsync(sampler));
        var kept = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));
        Assert.True(kept.IsSampled());
        Assert.Equal("probabilistic", kept.Tag("sampler.type"));
        Assert.Equal(1.0, kept.Tag("sampler.param"));

        server.Answer(Strategies.RateLimiting(2));
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled()));

        server.Answer(Strategies.PerOperation(0, 0, ("hot", 1), ("cold", 0)));
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.PerOperation, sampler.Strategy!.Kind);
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "hot")).IsSampled());
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "cold")).IsSampled());
        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "unnamed")).IsSampled());

        Assert.Equal(["checkout", "checkout", "checkout"], server.ServiceNames);
    }

    [Fact]
    public async Task Polls_CallGetSamplingStrategyOverHttp2_WithTheGrpcHeaders_AndNoTraceHeaders()
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        using var sampler = Create(server.Endpoint, new FakeTimeProvider(), serviceName: "orders api/v2 ✓", requestTimeout: TimeSpan.FromSeconds(7));
        using var ambient = new Activity("ambient").SetIdFormat(ActivityIdFormat.W3C).Start();

        Assert.True(await StartAndWaitAsync(sampler));

        var request = Assert.Single(server.Requests);
        Assert.Equal("/jaeger.api_v2.SamplingManager/GetSamplingStrategy", request.Path);
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal("application/grpc", request.Headers["content-type"]);
        Assert.Equal("trailers", request.Headers["te"]);
        Assert.Equal("7000m", request.Headers["grpc-timeout"]);
        Assert.False(request.Headers.ContainsKey("traceparent"));
        Assert.Equal("orders api/v2 ✓", Assert.Single(server.ServiceNames)); // protobuf carries the name as is, UTF-8
    }

    [Fact]
    public async Task UnknownFieldsInTheAnswer_AreSkipped_AtEveryLevel()
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        // A newer server's response: fields this IDL does not know in every message, kept and sent by Google.Protobuf.
        var probabilistic = UnknownFields.AddTo(new ProbabilisticSamplingStrategy { SamplingRate = 0.25 }, ProbabilisticSamplingStrategy.Parser);
        var entry = UnknownFields.AddTo(new OperationSamplingStrategy { Operation = "a", ProbabilisticSampling = probabilistic }, OperationSamplingStrategy.Parser);
        var operations = new PerOperationSamplingStrategies { DefaultSamplingProbability = 0.5, DefaultLowerBoundTracesPerSecond = 2 };
        operations.PerOperationStrategies.Add(entry);
        var answer = UnknownFields.AddTo(
            new SamplingStrategyResponse { OperationSampling = UnknownFields.AddTo(operations, PerOperationSamplingStrategies.Parser) },
            SamplingStrategyResponse.Parser);
        Assert.Equal(4, Occurrences(answer.ToByteArray(), UnknownFields.Bytes())); // on the wire, once per message
        server.Answer(answer);
        using var sampler = Create(server.Endpoint, new FakeTimeProvider());

        Assert.True(await StartAndWaitAsync(sampler));

        var strategy = sampler.Strategy!.Operations!;
        Assert.Equal(0.5, strategy.DefaultProbability);
        Assert.Equal(2, strategy.DefaultLowerBoundPerSecond);
        Assert.Equal(0.25, Assert.Single(strategy.Operations, o => o.Key == "a").Value);
    }

    [Theory]
    [InlineData("status in trailers")]      // headers sent, then grpc-status 14 in the trailers
    [InlineData("trailers-only")]           // an error before any message: grpc-status in the headers
    [InlineData("truncated message")]       // a response cut inside samplingRate's eight bytes
    [InlineData("wrong wire type")]         // probabilisticSampling sent as a varint
    [InlineData("no strategy")]             // an empty SamplingStrategyResponse
    [InlineData("rate out of range")]       // valid protobuf, samplingRate 1.5
    public async Task ServerErrors_KeepThePreviousStrategy_AndCountAFailedPoll(string fault)
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync(rawAnswers: true);
        server.Answer(Strategies.Probabilistic(1));
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        using var meter = new Meter($"remote-grpc-{Guid.NewGuid():N}");
        using var polls = new MetricCollector<long>(meter, "tracing.sdk.sampling.remote.polls");
        using var sampler = Create(server.Endpoint, time, logger: logger, meter: meter);
        Assert.True(await StartAndWaitAsync(sampler));

        var expected = Inject(server, fault);
        Assert.False(await AdvanceAndWaitAsync(sampler, time), fault);
        Assert.False(await AdvanceAndWaitAsync(sampler, time), fault);

        Assert.Equal(SamplingStrategyKind.Probabilistic, sampler.Strategy!.Kind);
        Assert.Equal(1, sampler.Strategy.Value);
        Assert.True(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).IsSampled());
        Assert.Equal([("success", 1L), ("failure", 2L)], Outcomes(polls));
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning); // once per streak
        Assert.Contains(expected, warning.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.ServiceNames.Count);

        server.Answer(Strategies.RateLimiting(2));
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
    }

    [Fact]
    public async Task TrailersOnlyFault_IsReallyTrailersOnly_OnTheWire()
    {
        // The test server's Trailers-Only answer, seen by a plain HTTP/2 client: status in the headers, no body.
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        server.Fail(StatusCode.Unavailable, "down for maintenance", trailersOnly: true);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/jaeger.api_v2.SamplingManager/GetSamplingStrategy")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await client.SendAsync(request);

        Assert.Equal("14", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.TrailingHeaders.Contains("grpc-status"));
    }

    [Fact]
    public async Task Http1OnlyServer_FailsThePoll_AndKeepsTheInitialProbability()
    {
        // gRPC needs HTTP/2; a server that speaks only HTTP/1.1 cannot answer the prior-knowledge preface.
        await using var server = await JaegerGrpcSamplingServer.StartAsync(HttpProtocols.Http1);
        var time = new FakeTimeProvider();
        using var meter = new Meter($"remote-grpc-{Guid.NewGuid():N}");
        using var polls = new MetricCollector<long>(meter, "tracing.sdk.sampling.remote.polls");
        using var sampler = Create(server.Endpoint, time, initialProbability: 1, meter: meter);

        Assert.False(await StartAndWaitAsync(sampler));
        Assert.False(await AdvanceAndWaitAsync(sampler, time));

        Assert.Null(sampler.Strategy);
        Assert.Equal("remote", sampler.ShouldSample(Root(ActivityTraceId.CreateRandom())).Tag("sampler.type"));
        Assert.Equal([("failure", 2L)], Outcomes(polls));
        Assert.Empty(server.ServiceNames);
    }

    [Fact]
    public async Task ServerGone_RefusedConnection_KeepsThePreviousStrategy_AndCountsAFailedPoll()
    {
        var server = await JaegerGrpcSamplingServer.StartAsync();
        server.Answer(Strategies.RateLimiting(3));
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        using var meter = new Meter($"remote-grpc-{Guid.NewGuid():N}");
        using var polls = new MetricCollector<long>(meter, "tracing.sdk.sampling.remote.polls");
        using var sampler = Create(server.Endpoint, time, logger: logger, meter: meter);
        Assert.True(await StartAndWaitAsync(sampler));

        await server.DisposeAsync(); // the port is closed: connections are refused
        Assert.False(await AdvanceAndWaitAsync(sampler, time));

        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
        Assert.Equal(3, sampler.Strategy.Value);
        Assert.Equal([("success", 1L), ("failure", 1L)], Outcomes(polls));
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Theory]
    [InlineData(false)] // nothing at all comes back
    [InlineData(true)]  // headers and the start of a frame, then nothing
    public async Task StalledServer_DoesNotHoldThePollBeyondItsBound(bool afterHeaders)
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        server.Stall(afterHeaders);
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        using var sampler = Create(server.Endpoint, time, logger: logger, requestTimeout: TimeSpan.FromMilliseconds(300));

        var started = Stopwatch.StartNew();
        Assert.False(await StartAndWaitAsync(sampler));
        started.Stop();

        Assert.Contains("no complete answer within 0.3 s", logger.Collector.LatestRecord.Message, StringComparison.Ordinal);
        Assert.Equal("300m", Assert.Single(server.Requests).Headers["grpc-timeout"]);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the stalled poll took {started.Elapsed}"); // far below the default 10 s bound

        // The poll slot is free again: the next tick polls, and succeeds.
        server.Answer(Strategies.RateLimiting(2));
        Assert.True(await AdvanceAndWaitAsync(sampler, time));
        Assert.Equal(SamplingStrategyKind.RateLimiting, sampler.Strategy!.Kind);
    }

    [Fact]
    public async Task Dispose_StopsPolling()
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        var time = new FakeTimeProvider();
        var sampler = Create(server.Endpoint, time);
        Assert.True(await StartAndWaitAsync(sampler));

        sampler.Dispose();
        time.Advance(Interval * 3);
        sampler.Dispose(); // idempotent

        // A real gRPC client's call after the advance: the server has seen it, and no poll, when it answers.
        using var channel = GrpcChannel.ForAddress(server.Endpoint);
        var probe = await new SamplingManager.SamplingManagerClient(channel).GetSamplingStrategyAsync(new SamplingStrategyParameters { ServiceName = "probe" });
        Assert.Equal(1, probe.ProbabilisticSampling.SamplingRate);
        Assert.Equal(["checkout", "probe"], server.ServiceNames);
        Assert.Equal(1, sampler.PollsCompleted);
    }

    [Fact]
    public async Task ExplicitGrpc_WithAPathPrefix_CallsTheMethodUnderIt()
    {
        // A gateway that routes by path: Protocol grpc keeps the endpoint's path as a prefix of the method's.
        await using var server = await JaegerGrpcSamplingServer.StartAsync(pathBase: "/jaeger");
        server.Answer(Strategies.Probabilistic(0.5));
        var options = Options(server.Endpoint);
        options.Protocol = RemoteSamplingProtocol.Grpc;
        using var sampler = new RemoteSampler(options, 100, TraceIdBits.W3c, "checkout", new FakeTimeProvider(), new FakeLogger());

        Assert.True(await StartAndWaitAsync(sampler));

        Assert.Equal("/jaeger/jaeger.api_v2.SamplingManager/GetSamplingStrategy", sampler.PollUri.AbsolutePath);
        Assert.Equal(0.5, sampler.Strategy!.Value);
    }

    [Fact]
    public async Task JaegerRemote_FromOtelEnvironment_PollsTheGrpcServer_AndStopsWithTheHost()
    {
        await using var server = await JaegerGrpcSamplingServer.StartAsync();
        server.Answer(Strategies.Probabilistic(1));
        var time = new FakeTimeProvider();
        var service = await TracedService.StartAsync(
            new() { ["Tracing:ServiceName"] = "inventory" },
            new Dictionary<string, string>
            {
                ["OTEL_TRACES_SAMPLER"] = "parentbased_jaeger_remote",
                ["OTEL_TRACES_SAMPLER_ARG"] = $"endpoint={server.Endpoint},pollingIntervalMs=30000,initialSamplingRate=0",
            },
            time);
        try
        {
            var remote = Assert.IsType<RemoteSampler>(service.Sampler.LateBinding);
            Assert.Equal(RemoteSamplingProtocol.Grpc, remote.Protocol);
            await PolledAtLeastAsync(remote, 1); // the first poll, made at start
            Assert.Equal("inventory", Assert.Single(server.ServiceNames));
            Assert.Equal(1, remote.Strategy!.Value);
            Assert.Equal(5, service.CountSampledRoots(5)); // the initial rate was 0: the server's strategy decides

            var next = NextPoll(remote);
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.True(await next);
            Assert.Equal(["inventory", "inventory"], server.ServiceNames);
        }
        finally
        {
            await service.DisposeAsync();
        }

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, server.ServiceNames.Count);
    }

    /// <summary>Sets the fault up and returns what the failure reason says about it.</summary>
    private static string Inject(JaegerGrpcSamplingServer server, string fault)
    {
        switch (fault)
        {
            case "status in trailers":
                server.Fail(StatusCode.Unavailable, "down for maintenance", trailersOnly: false);
                return "gRPC status 14 UNAVAILABLE: down for maintenance";
            case "trailers-only":
                server.Fail(StatusCode.PermissionDenied, "no sampling for you", trailersOnly: true);
                return "gRPC status 7 PERMISSION_DENIED: no sampling for you";
            case "truncated message":
                var whole = Strategies.Probabilistic(0.5).ToByteArray();
                server.AnswerBytes(whole[..^3]);
                return "truncated or malformed";
            case "wrong wire type":
                server.AnswerBytes([0x10, 0x01]); // field 2, wire type 0 (VARINT), value 1
                return "probabilisticSampling has wire type Varint, not LengthDelimited";
            case "no strategy":
                server.AnswerBytes([]);
                return "holds no strategy";
            case "rate out of range":
                server.Answer(Strategies.Probabilistic(1.5));
                return "probabilisticSampling.samplingRate 1.5 is out of range";
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "unknown fault");
        }
    }

    private static int Occurrences(byte[] haystack, byte[] needle) =>
        Enumerable.Range(0, haystack.Length - needle.Length + 1).Count(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle));

    private static (string Outcome, long Count)[] Outcomes(MetricCollector<long> polls) =>
        polls.GetMeasurementSnapshot()
            .GroupBy(m => (string)m.Tags["outcome"]!)
            .Select(g => (g.Key, g.Sum(m => m.Value)))
            .OrderBy(o => o.Key == "failure")
            .ToArray();

    private static RemoteSamplerOptions Options(string endpoint, double initialProbability = 0.001) =>
        new() { Endpoint = endpoint, PollingIntervalSeconds = Interval.TotalSeconds, InitialProbability = initialProbability };

    private static RemoteSampler Create(
        string endpoint,
        TimeProvider time,
        double initialProbability = 0.001,
        string serviceName = "checkout",
        ILogger? logger = null,
        Meter? meter = null,
        TimeSpan? requestTimeout = null) =>
        new(Options(endpoint, initialProbability), maxOperations: 100, TraceIdBits.W3c, serviceName, time, logger ?? new FakeLogger(), meter, requestTimeout);
}

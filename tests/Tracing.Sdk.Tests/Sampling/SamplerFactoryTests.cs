using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>Every policy, built from configuration or OTEL_* variables by AddTracing, deciding real spans.</summary>
public sealed class SamplerFactoryTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public async Task Const_FromConfiguration(string param, bool sampled)
    {
        await using var service = await TracedService.StartAsync(new() { ["Tracing:Sampler:Type"] = "const", ["Tracing:Sampler:Param"] = param });

        using var root = service.StartRoot("work");

        Assert.Equal(sampled, root?.Recorded ?? false);
        if (sampled)
        {
            Assert.Equal("const", root!.GetTagItem("sampler.type"));
        }
    }

    [Theory]
    [InlineData("w3c")]
    [InlineData("jaeger")]
    public async Task Probabilistic_FromConfiguration_DecidesByTraceIdBits(string bits)
    {
        await using var service = await TracedService.StartAsync(new()
        {
            ["Tracing:Sampler:Type"] = "probabilistic",
            ["Tracing:Sampler:Param"] = "0.5",
            ["Tracing:Sampler:IdBits"] = bits,
        });
        var reference = new ProbabilisticSampler(0.5, SamplerTypes.ParseIdBits(bits));

        for (var i = 0; i < 200; i++)
        {
            using var root = service.StartRoot("work");
            Assert.NotNull(root); // unsampled roots still exist, to carry the trace id
            Assert.Equal(reference.IsSampled(root.TraceId), root.Recorded);
        }
    }

    [Fact]
    public async Task RateLimiting_FromConfiguration_UsesTheHostsTimeProvider()
    {
        var time = new FakeTimeProvider();
        await using var service = await TracedService.StartAsync(
            new() { ["Tracing:Sampler:Type"] = "ratelimiting", ["Tracing:Sampler:Param"] = "2" }, time: time);

        Assert.Equal(2, service.CountSampledRoots(10));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, service.CountSampledRoots(10));
    }

    [Fact]
    public async Task RateLimiting_FromOtelEnvironment()
    {
        var time = new FakeTimeProvider();
        await using var service = await TracedService.StartAsync(
            [],
            new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = "parentbased_ratelimiting", ["OTEL_TRACES_SAMPLER_ARG"] = "0.5" },
            time);

        Assert.Equal(1, service.CountSampledRoots(10));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, service.CountSampledRoots(10));
    }

    [Fact]
    public async Task PerOperation_FromConfiguration_PublishesTheLateBindingSampler()
    {
        await using var service = await TracedService.StartAsync(new()
        {
            ["Tracing:Sampler:Type"] = "peroperation",
            ["Tracing:Sampler:PerOperation:DefaultProbability"] = "0",
            ["Tracing:Sampler:PerOperation:DefaultLowerBoundPerSecond"] = "1",
            ["Tracing:Sampler:PerOperation:MaxOperations"] = "2",
        }, time: new FakeTimeProvider());

        Assert.IsType<PerOperationSampler>(service.Sampler.LateBinding);
        Assert.Equal(1, service.CountSampledRoots(5, "a"));
        Assert.Equal(1, service.CountSampledRoots(5, "b"));
        Assert.Equal(0, service.CountSampledRoots(5, "c")); // beyond MaxOperations
    }

    [Fact]
    public async Task Remote_FromOtelEnvironment_PollsAndStopsWithTheHost()
    {
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1}}""");
        var time = new FakeTimeProvider();
        var service = await TracedService.StartAsync(
            new() { ["Tracing:ServiceName"] = "inventory" },
            new Dictionary<string, string>
            {
                ["OTEL_TRACES_SAMPLER"] = "parentbased_jaeger_remote",
                ["OTEL_TRACES_SAMPLER_ARG"] = $"endpoint={server.Endpoint},pollingIntervalMs=30000,initialSamplingRate=0",
            },
            time);
        var remote = Assert.IsType<RemoteSampler>(service.Sampler.LateBinding);
        Assert.Equal(0, remote.InitialProbability);
        await WaitUntilAsync(() => remote.PollsCompleted == 1); // the first poll, made at start, is over

        Assert.Equal(5, service.CountSampledRoots(5));
        Assert.Equal("?service=inventory", server.Requests[0].Query);

        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        remote.Polled += _ => polled.TrySetResult();
        time.Advance(TimeSpan.FromSeconds(30));
        await polled.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(2, server.Requests.Count);

        // A second service on the same clock and strategy server keeps polling after the first stops: its
        // polls arriving prove the clock's ticks were delivered, and the stopped host's sampler made none.
        await using var control = await TracedService.StartAsync(
            new() { ["Tracing:ServiceName"] = "control" },
            new Dictionary<string, string>
            {
                ["OTEL_TRACES_SAMPLER"] = "parentbased_jaeger_remote",
                ["OTEL_TRACES_SAMPLER_ARG"] = $"endpoint={server.Endpoint},pollingIntervalMs=30000,initialSamplingRate=0",
            },
            time);
        var controlSampler = Assert.IsType<RemoteSampler>(control.Sampler.LateBinding);
        await WaitUntilAsync(() => controlSampler.PollsCompleted == 1);

        await service.DisposeAsync();
        for (var i = 0; i < 3; i++)
        {
            var controlPolled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            controlSampler.Polled += _ => controlPolled.TrySetResult();
            time.Advance(TimeSpan.FromSeconds(30));
            await controlPolled.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }

        Assert.Equal(4, server.Requests.Count(r => r.Query == "?service=control"));
        Assert.Equal(2, server.Requests.Count(r => r.Query == "?service=inventory"));
        Assert.Equal(2, remote.PollsCompleted);
    }

    [Fact]
    public async Task NotParentBased_ChildrenConsultThePolicyToo()
    {
        await using var service = await TracedService.StartAsync(new()
        {
            ["Tracing:Sampler:Type"] = "ratelimiting",
            ["Tracing:Sampler:Param"] = "1",
            ["Tracing:Sampler:ParentBased"] = "false",
        }, time: new FakeTimeProvider());

        using var root = service.StartRoot("root");
        using var child = service.Source.StartActivity("child");

        Assert.True(root!.Recorded);
        Assert.True(child is null || !child.Recorded); // the one credit went to the root
    }

    [Fact]
    public async Task RemotePoll_CreatesNoSpan_WhileOtherHttpClientCallsAreTraced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await JaegerSamplingServer.StartAsync();
        server.Answer("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1}}""");
        var settings = TracingHost.OtlpSettings(receiver, "poller");
        settings["Tracing:Sampler:Type"] = "remote";
        settings["Tracing:Sampler:Remote:Endpoint"] = server.Endpoint;
        settings["Tracing:Sampler:Remote:InitialProbability"] = "1";
        var service = await TracedService.StartAsync(settings);
        var remote = Assert.IsType<RemoteSampler>(service.Sampler.LateBinding);
        await WaitUntilAsync(() => remote.Strategy is not null);

        // A control call to the same server from application code is traced as usual. It is made
        // under a span of this service's own source, so that this host (not another test's host
        // in the process) owns it.
        Activity.Current = null;
        using (service.Source.StartActivity("control"))
        using (var client = new HttpClient())
        {
            (await client.GetAsync(server.BaseAddress + "/control")).Dispose();
        }

        await service.DisposeAsync(); // flushes every ended span
        var port = new Uri(server.BaseAddress).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var toServer = receiver.Spans.Where(s => s.Attribute("url.full") is string url && url.Contains(":" + port + "/", StringComparison.Ordinal)).ToList();
        Assert.Contains(toServer, s => ((string)s.Attribute("url.full")!).Contains("/control", StringComparison.Ordinal));
        Assert.DoesNotContain(toServer, s => ((string)s.Attribute("url.full")!).Contains("/sampling", StringComparison.Ordinal));
        Assert.Contains(server.Requests, r => r.Path == "/sampling");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(10);
        }
    }
}

/// <summary>A worker host with AddTracing over a unique source, optionally with a fake clock.</summary>
internal sealed class TracedService : IAsyncDisposable
{
    private readonly IHost _host;
    private int _disposed;

    private TracedService(IHost host, ActivitySource source)
    {
        _host = host;
        Source = source;
    }

    public ActivitySource Source { get; }

    public ConfiguredSampler Sampler => _host.Services.GetRequiredService<ConfiguredSampler>();

    public static async Task<TracedService> StartAsync(
        Dictionary<string, string?> settings,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeProvider? time = null)
    {
        var sourceName = $"Sampling.Host.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        var all = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "sampling-test",
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "none",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment(environment);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new TracedService(host, new ActivitySource(sourceName));
    }

    /// <summary>A new root span (no ambient parent).</summary>
    public Activity? StartRoot(string name, ActivityKind kind = ActivityKind.Internal)
    {
        Activity.Current = null;
        return Source.StartActivity(name, kind);
    }

    public int CountSampledRoots(int count, string name = "work")
    {
        var sampled = 0;
        for (var i = 0; i < count; i++)
        {
            using var root = StartRoot(name);
            sampled += root?.Recorded == true ? 1 : 0;
        }

        return sampled;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _host.StopAsync();
        _host.Dispose();
        Source.Dispose();
    }
}

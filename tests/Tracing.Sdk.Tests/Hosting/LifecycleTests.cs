using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Hosting;

/// <summary>The hosted service builds the provider at start and flushes it at stop: nothing ended before StopAsync is lost.</summary>
public sealed class LifecycleTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task SpansEndedJustBeforeStop_AllArriveAtTheReceiver(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Lifecycle.{Guid.NewGuid():N}";
        using var host = BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "lifecycle",
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Protocol"] = protocol,
            ["Tracing:Otlp:Endpoint"] = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
            ["Tracing:Batch:MaxQueueSize"] = "16384",
            // A long delay: only the flush at stop can deliver the spans in time.
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "60000",
        });
        await host.StartAsync();

        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 10_000; i++)
        {
            using var activity = source.StartActivity("work");
            activity?.SetTag("i", i);
        }

        await host.StopAsync();

        var spans = receiver.Spans.Where(s => s.ScopeName == sourceName).ToList();
        Assert.Equal(10_000, spans.Count);
        Assert.Equal(10_000, spans.Select(s => (long)s.Attribute("i")!).Distinct().Count());
        Assert.All(spans, s => Assert.Equal(protocol, s.Protocol));
    }

    [Fact]
    public async Task ProviderListensOnlyBetweenStartAndStop()
    {
        var sourceName = $"Window.{Guid.NewGuid():N}";
        using var host = BuildWorker(new Dictionary<string, string?> { ["Tracing:Sources:0"] = sourceName, ["Tracing:Exporters:0"] = "none" });
        using var source = new ActivitySource(sourceName);
        var state = host.Services.GetRequiredService<TracingProviderState>();

        Assert.Null(state.Provider);
        Assert.False(source.HasListeners());
        await host.StartAsync();
        Assert.Same(host.Services.GetRequiredService<TracerProvider>(), state.Provider);
        Assert.True(source.HasListeners());
        await host.StopAsync();
        Assert.Null(state.Provider);
        Assert.False(source.HasListeners());
    }

    [Fact]
    public async Task Disabled_LeavesTheAppRunningWithNoListenerAndNoProvider()
    {
        var sourceName = $"Disabled.{Guid.NewGuid():N}";
        using var host = BuildWorker(
            new Dictionary<string, string?> { ["Tracing:Sources:0"] = sourceName },
            new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" });

        await host.StartAsync();
        using var source = new ActivitySource(sourceName);

        Assert.False(source.HasListeners());
        Assert.IsType<DisabledTracerProvider>(host.Services.GetRequiredService<TracerProvider>());
        Assert.Null(host.Services.GetRequiredService<TracingProviderState>().Provider);
        Assert.Null(source.StartActivity("nothing"));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddTracingTwice_RegistersOnceAndExportsEachSpanOnce()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Twice.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTracing(o =>
        {
            o.Sources = [sourceName];
            o.Exporters = ["otlp"];
            o.Otlp.Endpoint = receiver.GrpcEndpoint;
        });
        builder.Services.AddTracing();
        builder.Services.AddTracing(o => o.ServiceName = "twice");
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<TracingHostedService>());
        await host.StartAsync();
        using (new ActivitySource(sourceName).StartActivity("once"))
        {
        }

        await host.StopAsync();

        var span = Assert.Single(receiver.Spans, s => s.ScopeName == sourceName);
        Assert.Equal("twice", span.ServiceName);
    }

    [Fact]
    public async Task SourcesWithWildcards_AreRecorded_OthersAreNot()
    {
        var prefix = $"Wild{Guid.NewGuid():N}";
        using var host = BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = prefix + ".*",
            ["Tracing:Exporters:0"] = "none",
        });
        await host.StartAsync();

        Assert.True(new ActivitySource(prefix + ".Orders").HasListeners());
        Assert.True(new ActivitySource(prefix + ".Orders.Db").HasListeners());
        Assert.False(new ActivitySource("Not" + prefix).HasListeners());
        Assert.True(new ActivitySource("Tracing.Sdk.Messaging").HasListeners());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task CollectorDown_ExportFailsFast_TheSpanIsCountedAsDropped_AndStopIsPrompt(string protocol)
    {
        // A port nothing listens on (taken, then released): every connection is refused at once.
        var refused = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        refused.Start();
        var port = ((System.Net.IPEndPoint)refused.LocalEndpoint).Port;
        refused.Stop();

        var sourceName = $"Down.{Guid.NewGuid():N}";
        using var host = TracingWorker.Build(
            new Dictionary<string, string?>
            {
                ["Tracing:Sources:0"] = sourceName,
                ["Tracing:Exporters:0"] = "otlp",
                ["Tracing:Otlp:Protocol"] = protocol,
                ["Tracing:Otlp:Endpoint"] = $"http://127.0.0.1:{port}",
                ["Tracing:Otlp:Retry"] = "none",
                ["Tracing:Otlp:TimeoutMilliseconds"] = "10000",
                ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
            },
            b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10)));
        var ledger = host.Services.Ledger(ExporterNames.Otlp);
        await host.StartAsync();
        using (new ActivitySource(sourceName).StartActivity("lost"))
        {
        }

        // The export fails on the refused connection, long before its 10 s timeout, and the span it
        // carried is counted as dropped for that reason while the host is still running.
        var failed = Stopwatch.StartNew();
        var totals = await ledger.SettledAsync(TimeSpan.FromSeconds(9));
        failed.Stop();
        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(1, totals.Received);
        Assert.Equal(0, totals.Exported);
        Assert.Equal(1, totals.DroppedFor(DropReason.ExportFailed));
        Assert.True(failed.Elapsed < TimeSpan.FromSeconds(9), $"the failed export took {failed.Elapsed}");

        // Nothing is left to export, so stop does not wait for the 10 s shutdown timeout.
        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopwatch.Elapsed}");
        Assert.Equal(1, ledger.Totals.Dropped);
    }

    [Fact]
    public async Task Stop_ReturnsWithinTheHostShutdownTimeout_WhenTheCollectorHangs()
    {
        // A "collector" that accepts connections and never answers: the export would wait 60 s.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        var sourceName = $"Hang.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddTracing(o =>
        {
            o.Sources = [sourceName];
            o.Exporters = ["otlp"];
            o.Otlp.Protocol = "http/protobuf";
            o.Otlp.Endpoint = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
            o.Otlp.TimeoutMilliseconds = 60_000;
        });
        builder.Services.UseOtelEnvironment();
        using var host = builder.Build();
        await host.StartAsync();
        new ActivitySource(sourceName).StartActivity("stuck")?.Dispose();

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        stopwatch.Stop();

        // Bounded by the 2 s shutdown timeout (with slack for a loaded machine), not by the 60 s export timeout.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stop took {stopwatch.Elapsed}");
        silent.Stop();
        accepted.ForEach(s => s.Dispose());
    }

    internal static IHost BuildWorker(IDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment(environment);
        return builder.Build();
    }
}

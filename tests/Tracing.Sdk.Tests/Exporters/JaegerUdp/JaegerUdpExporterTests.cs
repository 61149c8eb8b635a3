using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Hosting;
using Tracing.Sdk.Tests.Support.Jaeger;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>
/// <c>Exporters: ["jaegerudp"]</c> end to end: configured by section or OTEL_* variables, behind the
/// batch processor, the provider's resource as the Jaeger Process, counters in the SDK's meter.
/// </summary>
[Collection(ExportAccountingIsolation.Name)]
public sealed class JaegerUdpExporterTests
{
    [Theory]
    [InlineData("compact")]
    [InlineData("binary")]
    public async Task ConfiguredExporter_SendsSpansWithTheResourceAsTheProcess(string protocol)
    {
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        var sourceName = $"JaegerHost.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "orders",
            ["Tracing:ServiceVersion"] = "1.4.2",
            ["Tracing:ResourceAttributes:team"] = "checkout",
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "jaegerudp",
            ["Tracing:JaegerUdp:Host"] = "127.0.0.1",
            ["Tracing:JaegerUdp:Port"] = agent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracing:JaegerUdp:Protocol"] = protocol,
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "50",
        });
        await host.StartAsync();

        using var source = new ActivitySource(sourceName);
        string traceId;
        using (var parent = source.StartActivity("checkout", ActivityKind.Server)!)
        {
            traceId = parent.TraceId.ToHexString();
            using var child = source.StartActivity("charge", ActivityKind.Client);
        }

        var datagrams = await agent.WaitForSpansAsync(2);
        await host.StopAsync();

        var process = datagrams[0].Batch!.Process!;
        Assert.Equal("orders", process.ServiceName);
        Assert.Equal("1.4.2", process.Tag("service.version").VStr);
        Assert.Equal("checkout", process.Tag("team").VStr);
        Assert.Equal("dotnet", process.Tag("telemetry.sdk.language").VStr);
        Assert.Equal(Environment.MachineName, process.Tag("host.name").VStr);
        Assert.Equal(Environment.ProcessId, process.Tag("process.pid").LongValue);
        Assert.DoesNotContain(process.Tags!, t => t.Key == "service.name");
        Assert.True(Guid.TryParse(process.Tag("client-uuid").VStr, out _));

        var spans = datagrams.SelectMany(d => d.Spans).ToList();
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceIdHex));
        var charge = Assert.Single(spans, s => s.OperationName == "charge");
        var checkout = Assert.Single(spans, s => s.OperationName == "checkout");
        Assert.Equal(checkout.SpanId, charge.ParentSpanId);
        Assert.Equal(sourceName, charge.Tag("otel.scope.name").VStr);
    }

    [Fact]
    public async Task OtelEnvironmentVariables_SelectAndAddressTheAgent()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        var sourceName = $"JaegerEnv.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(
            new Dictionary<string, string?> { ["Tracing:Sources:0"] = sourceName },
            new Dictionary<string, string>
            {
                ["OTEL_SERVICE_NAME"] = "from-env",
                ["OTEL_TRACES_EXPORTER"] = "jaegerudp",
                ["OTEL_EXPORTER_JAEGER_AGENT_HOST"] = "127.0.0.1",
                ["OTEL_EXPORTER_JAEGER_AGENT_PORT"] = agent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        await host.StartAsync();
        using (new ActivitySource(sourceName).StartActivity("env"))
        {
        }

        await host.StopAsync();

        var datagram = Assert.Single(await agent.WaitForSpansAsync(1));
        Assert.Equal("from-env", datagram.Batch!.Process!.ServiceName);
        Assert.Equal("env", Assert.Single(datagram.Spans).OperationName);
    }

    [Fact]
    public async Task TenThousandSpansThroughTheBatchProcessor_AllArrive_AndAreCounted()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        var sourceName = $"JaegerLoad.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "jaegerudp",
            ["Tracing:JaegerUdp:Host"] = "127.0.0.1",
            ["Tracing:JaegerUdp:Port"] = agent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "20",
        });
        var metrics = host.Services.GetRequiredService<TracingMetrics>();
        using var exported = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.exported");
        using var datagramsSent = new MetricCollector<long>(metrics.Meter, "tracing.sdk.datagrams.sent");
        await host.StartAsync();

        // Produced in chunks the receiver is given time to take in: "no loss when the receiver keeps up".
        using var source = new ActivitySource(sourceName);
        for (var chunk = 0; chunk < 20; chunk++)
        {
            for (var i = chunk * 500; i < (chunk + 1) * 500; i++)
            {
                using var activity = source.StartActivity("work");
                activity?.SetTag("i", i);
            }

            await agent.WaitForSpansAsync((chunk + 1) * 500);
        }

        await host.StopAsync();

        var datagrams = await agent.WaitForSpansAsync(10_000);
        var values = datagrams.SelectMany(d => d.Spans).Select(s => s.Tag("i").LongValue).ToList();
        Assert.Equal(10_000, values.Count);
        Assert.Equal(10_000, values.Distinct().Count());
        Assert.Equal(10_000, exported.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == "success" && (string?)m.Tags["exporter"] == "jaegerudp").Sum(m => m.Value));
        Assert.Equal(datagrams.Count, datagramsSent.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task SpansDroppedByAFullQueue_AreReportedInClientStats()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        var sourceName = $"JaegerQueue.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "jaegerudp",
            ["Tracing:JaegerUdp:Host"] = "127.0.0.1",
            ["Tracing:JaegerUdp:Port"] = agent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracing:Batch:MaxQueueSize"] = "64",
            ["Tracing:Batch:MaxExportBatchSize"] = "64",
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "60000",
        });
        await host.StartAsync();

        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 5_000; i++)
        {
            using var activity = source.StartActivity("burst");
        }

        await host.StopAsync();

        // Every span is accounted for: received, or dropped by the full queue as the last datagram
        // (sent by the flush at stop, after every drop) says.
        static long Accounted(IReadOnlyList<AgentDatagram> d) => d.Sum(x => x.Spans.Count) + d[^1].Batch!.Stats!.FullQueueDropped;
        var datagrams = await agent.WaitAsync(d => d.Count > 0 && Accounted(d) >= 5_000);
        Assert.True(datagrams[^1].Batch!.Stats!.FullQueueDropped > 0, "the queue never overflowed");
        Assert.Equal(5_000, Accounted(datagrams));
    }

    [Fact]
    public async Task AgentPortClosed_EverySpanIsCounted_NothingThrows_OneFailingLine()
    {
        // Nothing listens: the kernel turns some sends into ICMP port-unreachable, reported on the next send.
        int port;
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var logs = new ScopeCapturingLoggerProvider();
        var sourceName = $"JaegerClosed.{Guid.NewGuid():N}";
        using var host = TracingWorker.Build(
            new Dictionary<string, string?>
            {
                ["Tracing:Sources:0"] = sourceName,
                ["Tracing:Exporters:0"] = "jaegerudp",
                ["Tracing:JaegerUdp:Host"] = "127.0.0.1",
                ["Tracing:JaegerUdp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Tracing:Batch:ScheduledDelayMilliseconds"] = "10",
            },
            b => b.Logging.AddProvider(logs));
        var ledger = host.Services.Ledger("jaegerudp");
        await host.StartAsync();

        // One span per export until a send has been refused, then twenty more exports (bounded).
        using var source = new ActivitySource(sourceName);
        var ended = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var afterFirstFailure = 0;
        while (afterFirstFailure < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no send was refused: {ledger.Totals}");
            source.StartActivity("into the void")?.Dispose();
            ended++;
            await WaitSettledAsync(ledger, ended);
            if (ledger.Totals.DroppedFor(DropReason.SocketFailure) > 0)
            {
                afterFirstFailure++;
            }
        }

        await host.StopAsync();

        var totals = ledger.Totals;
        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(ended, totals.Received);
        Assert.Equal(ended, totals.Exported + totals.DroppedFor(DropReason.SocketFailure));
        Assert.Single(logs.Entries, e => e.Message.StartsWith("Exporter jaegerudp is failing: sending to the agent failed: ConnectionRefused", StringComparison.Ordinal));
        Assert.InRange(logs.Entries.Count(e => e.Message.StartsWith("Exporter jaegerudp", StringComparison.Ordinal)), 2, 3);
    }

    private static async Task WaitSettledAsync(Tracing.Sdk.Exporters.Batching.ExportAccounting ledger, int received)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((ledger.Received < received || ledger.Queued + ledger.InFlight > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}

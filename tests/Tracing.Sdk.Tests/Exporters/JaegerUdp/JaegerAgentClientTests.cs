using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.JaegerUdp;
using Tracing.Sdk.Tests.Support.Jaeger;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>
/// Faults with real sockets: an absent agent (ICMP port unreachable on loopback), a host name that
/// does not resolve, a send the kernel refuses. Each is counted, nothing throws, and sending resumes.
/// </summary>
public sealed class JaegerAgentClientTests
{
    [Fact]
    public async Task AbsentAgent_IsCountedAsFailed_AndSendingResumesWhenTheAgentComesBack()
    {
        var port = FreeUdpPort();
        using var spans = new SpanFactory();
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        using var exporter = SpanFactory.Exporter(port, metrics: metrics);

        // Nothing listens: the kernel answers the first datagram with ICMP port unreachable and reports
        // it on a later send. Keep sending (bounded) until that shows up as a failure.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (exporter.Totals.SpansFailed == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no send failure was ever reported for a closed port");
            exporter.Export(SpanFactory.Batch(spans.Root("into the void")));
            await Task.Delay(10);
        }

        var failed = exporter.Totals.SpansFailed;
        Assert.Contains(dropped.GetMeasurementSnapshot(), m => (string?)m.Tags["reason"] == "socket_failure" && m.Value > 0);

        // The agent starts on that port: the same exporter's datagrams arrive again, carrying the count
        // of spans it failed to emit, so the agent sees this client's losses.
        await using var agent = await JaegerAgentPeer.StartAsync(port: port);
        var marker = spans.Root("after");
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!agent.Spans.Any(s => s.SpanIdHex == marker.SpanId.ToHexString()))
        {
            Assert.True(DateTime.UtcNow < deadline, "nothing arrived after the agent came back");
            exporter.Export(SpanFactory.Batch(marker));
            await Task.Delay(10);
        }

        var arrived = agent.Datagrams.First(d => d.Spans.Any(s => s.SpanIdHex == marker.SpanId.ToHexString()));
        Assert.True(arrived.Batch!.Stats!.FailedToEmit >= failed, $"ClientStats.failedToEmitSpans={arrived.Batch.Stats.FailedToEmit}, failed so far {failed}");
    }

    [Fact]
    public async Task UnresolvableHost_FailsEverySpan_WithoutThrowing_AndRetriesResolutionOnlyAfterTheRetryInterval()
    {
        using var spans = new SpanFactory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lookups = 0;
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        using var exporter = SpanFactory.Exporter(6831, metrics: metrics, time: time, host: "nonexistent.invalid", maxPacketSize: 600, resolve: (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            throw new SocketException((int)SocketError.HostNotFound);
        });
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));

        // Three exports of ten datagrams each: the exports never look the name up themselves.
        for (var i = 0; i < 3; i++)
        {
            var batch = Enumerable.Range(0, 10).Select(_ => spans.Root("x", a => a.SetTag("pad", new string('p', 300)))).ToArray();
            Assert.Equal(ExportResult.Failure, exporter.Export(SpanFactory.Batch(batch)));
        }

        Assert.Equal(1, Volatile.Read(ref lookups));
        Assert.Null(exporter.Endpoint);
        Assert.Equal(SocketError.HostNotFound, exporter.Client.LastError);
        Assert.Equal(30, exporter.Totals.SpansFailed);
        Assert.Equal(30, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "socket_failure").Sum(m => m.Value));

        // The next lookup comes after the retry interval, not before.
        time.Advance(JaegerAgentClient.RetryInterval - TimeSpan.FromTicks(1));
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, Volatile.Read(ref lookups));
        time.Advance(TimeSpan.FromTicks(1));
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Volatile.Read(ref lookups));
    }

    [Fact]
    public async Task HostName_IsReResolvedPeriodically_AndDatagramsFollowTheNewAddress()
    {
        await using var first = await JaegerAgentPeer.StartAsync(host: "127.0.0.1");
        await using var second = await JaegerAgentPeer.StartAsync(host: "127.0.0.2", port: first.Port);
        using var spans = new SpanFactory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var address = IPAddress.Parse("127.0.0.1");
        var lookups = 0;
        using var exporter = SpanFactory.Exporter(first.Port, time: time, host: "agent.test", resolve: (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult<IPAddress[]>([IPAddress.IPv6Loopback, Volatile.Read(ref address)]); // IPv4 is preferred
        });
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));

        var a = spans.Root("a");
        exporter.Export(SpanFactory.Batch(a));
        Assert.Equal(a.SpanId.ToHexString(), Assert.Single((await first.WaitForSpansAsync(1)).SelectMany(d => d.Spans)).SpanIdHex);

        // The name now points elsewhere, but it is not looked up again before the interval is over.
        Volatile.Write(ref address, IPAddress.Parse("127.0.0.2"));
        time.Advance(JaegerAgentClient.ResolveInterval - TimeSpan.FromSeconds(1));
        var b = spans.Root("b");
        exporter.Export(SpanFactory.Batch(b));
        Assert.Equal(2, (await first.WaitForSpansAsync(2)).Sum(d => d.Spans.Count));
        Assert.Equal(1, Volatile.Read(ref lookups));

        time.Advance(TimeSpan.FromSeconds(1));
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));
        var c = spans.Root("c");
        exporter.Export(SpanFactory.Batch(c));
        Assert.Equal(c.SpanId.ToHexString(), Assert.Single((await second.WaitForSpansAsync(1)).SelectMany(d => d.Spans)).SpanIdHex);
        Assert.Equal(2, Volatile.Read(ref lookups));
        Assert.Equal(IPAddress.Parse("127.0.0.2"), exporter.Endpoint!.Address);
    }

    [Fact]
    public async Task SlowResolver_NeverStallsAnExport_AndSendingStartsOnceTheNameResolves()
    {
        // A lookup that blocks its thread until released: a DNS server that does not answer.
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        using var release = new ManualResetEventSlim();
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        using var exporter = SpanFactory.Exporter(agent.Port, metrics: metrics, host: "slow.agent.test", resolve: (_, cancel) =>
        {
            release.Wait(TimeSpan.FromSeconds(30), cancel);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });

        // The exports return while the lookup is still blocked (were they waiting for it, they would
        // not return before it is released, and the bounded wait below would fail).
        var early = spans.Root("before the name resolves");
        var exported = await Task.Run(() => exporter.Export(SpanFactory.Batch(early))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(release.IsSet);
        Assert.Equal(ExportResult.Failure, exported);
        Assert.False(exporter.Client.LastResolution.IsCompleted);
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "socket_failure").Sum(m => m.Value));

        release.Set();
        await exporter.Client.LastResolution.WaitAsync(TimeSpan.FromSeconds(10));
        var late = spans.Root("after");
        Assert.Equal(ExportResult.Success, exporter.Export(SpanFactory.Batch(late)));
        Assert.Equal(late.SpanId.ToHexString(), Assert.Single((await agent.WaitForSpansAsync(1)).SelectMany(d => d.Spans)).SpanIdHex);
    }

    [Fact]
    public async Task ClosedPort_IsReportedAsConnectionRefused_AndTheSocketIsKept()
    {
        using var client = new JaegerAgentClient("127.0.0.1", FreeUdpPort(), TimeProvider.System);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (client.Send([1, 2, 3]))
        {
            Assert.True(DateTime.UtcNow < deadline, "the ICMP port unreachable was never reported");
            await Task.Delay(10);
        }

        Assert.Equal(SocketError.ConnectionRefused, client.LastError);
        Assert.NotNull(client.Endpoint);
    }

    [Fact]
    public void RefusedSend_IsCounted_AndTheNextSendTriesAgain()
    {
        // Broadcast without SO_BROADCAST: the kernel refuses every send (EACCES), a socket error that
        // is not an ICMP report, so the client starts each send afresh.
        using var spans = new SpanFactory();
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        using var exported = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.exported");
        using var exporter = SpanFactory.Exporter(6831, metrics: metrics, host: "255.255.255.255");

        Assert.Equal(ExportResult.Failure, exporter.Export(SpanFactory.Batch(spans.Root("a"), spans.Root("b"))));
        var first = exporter.Client.LastError;
        Assert.Equal(ExportResult.Failure, exporter.Export(SpanFactory.Batch(spans.Root("c"))));

        Assert.NotEqual(SocketError.Success, first);
        Assert.Equal(first, exporter.Client.LastError);
        Assert.Equal(3, exporter.Totals.SpansFailed);
        Assert.Equal(2, exporter.Totals.DatagramsFailed);
        Assert.Equal(0, exporter.Totals.SpansSent);
        var socketFailures = dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "socket_failure").ToList();
        Assert.Equal([2L, 1L], socketFailures.Select(m => m.Value));
        Assert.All(socketFailures, m => Assert.Equal("jaegerudp", m.Tags["exporter"]));
        Assert.Equal(3, exported.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == "failure").Sum(m => m.Value));
        Assert.DoesNotContain(exported.GetMeasurementSnapshot(), m => (string?)m.Tags["outcome"] == "success");
    }

    [Fact]
    public void DisposedClient_RefusesToSend_WithoutThrowing()
    {
        var client = new JaegerAgentClient("127.0.0.1", FreeUdpPort(), TimeProvider.System);
        client.Dispose();

        Assert.False(client.Send([1]));
        client.Dispose();
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.JaegerUdp;
using Tracing.Sdk.Tests.Support.Jaeger;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>
/// Datagram boundaries, as a real Thrift decoder sees them: every datagram within MaxPacketSize and
/// filled as far as it goes, no span lost or duplicated, spans too large alone shrunk or dropped and counted.
/// </summary>
public sealed class JaegerDatagramAssemblerTests
{
    // Slack between "full" and MaxPacketSize: the assembler reserves the widest list header and trailer.
    private const int Slack = JaegerDatagramAssembler.MaxTrailerSize + ThriftCompactWriter.MaxListHeaderSize;

    [Theory]
    [InlineData("compact", 1)]
    [InlineData("compact", 100)]
    [InlineData("compact", 10_000)]
    [InlineData("binary", 1)]
    [InlineData("binary", 100)]
    [InlineData("binary", 10_000)]
    public async Task BatchWithLargeAttributes_IsSplitIntoFullDatagramsWithinMaxPacketSize_WithNoSpanLost(string protocol, int count)
    {
        // Run on a thread of its own: the paced sink blocks while the agent catches up.
        await Task.Run(() => SplitAndCheck(protocol, count));
    }

    private static async Task SplitAndCheck(string protocol, int count)
    {
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        using var spans = new SpanFactory();
        var activities = Enumerable.Range(0, count)
            .Select(i => spans.Root($"span-{i}", a =>
            {
                a.SetTag("i", i);
                a.SetTag("payload", $"{i:D6}" + new string('x', 1000));
                a.AddEvent(new ActivityEvent("tick"));
            }))
            .ToArray();

        // The exporter's own assembly, with the datagrams paced to what the agent has decoded.
        using var sink = new PacedAgentSink(agent);
        var compact = protocol == "compact";
        var process = JaegerProcessWriter.Serialize(compact ? new ThriftCompactWriter() : new ThriftBinaryWriter(), "jaeger-tests", [], Guid.NewGuid().ToString());
        var assembler = new JaegerDatagramAssembler(compact, 65000, process, sink.Send);
        foreach (var activity in activities)
        {
            assembler.Append(activity);
        }

        assembler.Flush();
        Assert.Equal(count, assembler.Totals.SpansSent);

        var datagrams = await agent.WaitForSpansAsync(count, TimeSpan.FromSeconds(60));
        AssertWellFormed(datagrams);
        Assert.All(datagrams, d => Assert.True(d.Size <= 65000, $"datagram {d.N} is {d.Size} bytes"));
        for (var i = 0; i < datagrams.Count - 1; i++)
        {
            // Full: one more span (about size/count bytes) would not have fitted.
            var d = datagrams[i];
            Assert.True(d.Size + (d.Size / d.Spans.Count) > 65000 - Slack, $"datagram {d.N} holds {d.Spans.Count} spans in {d.Size} bytes: not full");
        }

        Assert.Equal(Enumerable.Range(1, datagrams.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), datagrams.Select(d => d.Batch!.SeqNo));
        var received = datagrams.SelectMany(d => d.Spans).ToList();
        Assert.Equal(activities.Select(a => a.SpanId.ToHexString()), received.Select(s => s.SpanIdHex));
        Assert.Equal(activities.Select(a => a.DisplayName), received.Select(s => s.OperationName));
        Assert.All(received, s => Assert.Equal(1006, s.Tag("payload").VStr!.Length));
    }

    [Theory]
    [InlineData(576)]
    [InlineData(1500)]
    [InlineData(8192)]
    public async Task SmallMaxPacketSize_IsNeverExceeded(int maxPacketSize)
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var activities = Enumerable.Range(0, 300).Select(i => spans.Root($"op-{i}", a => a.SetTag("k", new string('v', i)))).ToArray();

        using (var exporter = SpanFactory.Exporter(agent.Port, maxPacketSize: maxPacketSize))
        {
            exporter.Export(SpanFactory.Batch(activities));
        }

        var datagrams = await agent.WaitForSpansAsync(300);
        AssertWellFormed(datagrams);
        Assert.All(datagrams, d => Assert.True(d.Size <= maxPacketSize, $"datagram {d.N} is {d.Size} bytes"));
        Assert.Equal(activities.Select(a => a.SpanId.ToHexString()), datagrams.SelectMany(d => d.Spans).Select(s => s.SpanIdHex));
    }

    [Fact]
    public async Task SpanTooLargeBecauseOfEvents_IsSentWithoutThem_AndCounted()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var metrics = new TracingMetrics();
        using var truncated = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.truncated");
        var big = spans.Root("chatty", a =>
        {
            a.SetTag("small", "kept");
            for (var i = 0; i < 100; i++)
            {
                a.AddEvent(new ActivityEvent("e", tags: new ActivityTagsCollection { ["blob"] = new string('b', 1000) }));
            }
        });

        using (var exporter = SpanFactory.Exporter(agent.Port, metrics: metrics))
        {
            exporter.Export(SpanFactory.Batch(big));
            Assert.Equal(1, exporter.Totals.SpansTruncated);
            Assert.Equal(0, exporter.Totals.SpansTooLarge);
        }

        var span = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Null(span.Logs);
        Assert.Equal(100, span.Tag("otel.dropped_events_count").LongValue);
        Assert.Equal("kept", span.Tag("small").VStr);
        Assert.False(span.HasTag("tracing.sdk.truncated"));
        Assert.Equal(1, Assert.Single(truncated.GetMeasurementSnapshot()).Value);
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("binary")]
    public async Task SpanTooLargeBecauseOfAValue_IsSentWithTheValueCutAndMarked(string protocol)
    {
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        using var spans = new SpanFactory();
        var huge = "ü" + new string('y', 100_000);
        var big = spans.Root("huge", a =>
        {
            a.SetTag("huge", huge);
            a.SetTag("bytes", new byte[70_000]);
            a.SetTag("short", "untouched");
            a.AddEvent(new ActivityEvent("gone"));
        });

        using (var exporter = SpanFactory.Exporter(agent.Port, protocol))
        {
            exporter.Export(SpanFactory.Batch(big));
        }

        var span = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        var cut = span.Tag("huge").VStr!;
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.StartsWith(huge[..100], cut, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= 4096, $"{Encoding.UTF8.GetByteCount(cut)} bytes");
        Assert.True(span.Tag("bytes").BinaryValue.Length <= 4096);
        Assert.Equal("untouched", span.Tag("short").VStr);
        Assert.True(span.Tag("tracing.sdk.truncated").VBool);
        Assert.Equal(1, span.Tag("otel.dropped_events_count").LongValue);
        Assert.Null(span.Logs);
    }

    [Fact]
    public async Task SpanTooLargeEvenShrunk_IsDropped_CountedInMetricsAndInTheNextClientStats()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var metrics = new TracingMetrics();
        using var dropped = new MetricCollector<long>(metrics.Meter, "tracing.sdk.spans.dropped");
        var impossible = spans.Root("many-tags", a =>
        {
            // 10,000 distinct keys: cutting values cannot make this fit 65,000 bytes.
            for (var i = 0; i < 10_000; i++)
            {
                a.SetTag($"key-{i:D5}", i);
            }
        });
        var fine = spans.Root("fine");

        using (var exporter = SpanFactory.Exporter(agent.Port, metrics: metrics))
        {
            exporter.Export(SpanFactory.Batch(impossible, fine));
            Assert.Equal(1, exporter.Totals.SpansTooLarge);
            Assert.Equal(1, exporter.Totals.SpansSent);
        }

        var datagram = Assert.Single(await agent.WaitForSpansAsync(1));
        Assert.Equal("fine", Assert.Single(datagram.Spans).OperationName);
        Assert.Equal(1, datagram.Batch!.Stats!.TooLargeDropped);
        var measurement = Assert.Single(dropped.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("too_large", measurement.Tags["reason"]);
        Assert.Equal("jaegerudp", measurement.Tags["exporter"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void MaxPacketSizeTooSmallForAnySpan_DropsAndCountsEverySpan_WithoutThrowing(int maxPacketSize)
    {
        using var spans = new SpanFactory();
        var sent = new List<int>();
        var assembler = new JaegerDatagramAssembler(true, maxPacketSize, [0x18, 0x01, 0x73, 0x00], (d, n) =>
        {
            sent.Add(d.Length);
            return true;
        });

        for (var i = 0; i < 5; i++)
        {
            assembler.Append(spans.Root("x"));
        }

        assembler.Flush();

        Assert.Empty(sent);
        Assert.Equal(5, assembler.Totals.SpansTooLarge);
    }

    [Fact]
    public void FailedSends_AreCountedPerSpan_AndReportedInTheNextClientStats()
    {
        using var spans = new SpanFactory();
        var results = new Queue<bool>([false, true]);
        var datagrams = new List<byte[]>();
        var assembler = new JaegerDatagramAssembler(false, 65000, [0x0B, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x73, 0x00], (d, n) =>
        {
            datagrams.Add(d.ToArray());
            return results.Dequeue();
        });

        assembler.Append(spans.Root("a"));
        assembler.Append(spans.Root("b"));
        assembler.Flush();
        assembler.Append(spans.Root("c"));
        assembler.Flush();

        Assert.Equal(new JaegerSendTotals(1, 2, 0, 0, 0, 1, 1), assembler.Totals);

        // Binary protocol: the second datagram ends with ClientStats.failedToEmitSpans = 2, then three stops.
        var last = datagrams[1];
        Assert.Equal([0x0A, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0], last[^14..]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SteadyState_AllocatesNothingPerSpan(bool compact)
    {
        using var spans = new SpanFactory();
        var activities = Enumerable.Range(0, 300).Select(i => spans.Root("GET /orders/{id}", a =>
        {
            a.SetTag("http.request.method", "GET");
            a.SetTag("http.response.status_code", 200);
            a.SetTag("url.path", "/orders/" + i);
            a.SetTag("retry", false);
            a.SetTag("db.rows", new[] { 1L, 2L }); // an array goes through the JSON text buffer
            a.AddEvent(new ActivityEvent("cache miss", tags: new ActivityTagsCollection { ["key"] = "orders:" + i }));
        }, ActivityKind.Server)).ToArray();
        var datagrams = 0;
        var assembler = new JaegerDatagramAssembler(compact, 65000, compact ? [0x18, 0x01, 0x73, 0x00] : [0x0B, 0, 1, 0, 0, 0, 1, 0x73, 0], (_, _) =>
        {
            datagrams++;
            return true;
        });

        void ExportAll()
        {
            foreach (var activity in activities)
            {
                assembler.Append(activity);
            }

            assembler.Flush();
        }

        ExportAll(); // first use: JIT and lazily created state
        ExportAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            ExportAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(12 * 300, assembler.Totals.SpansSent);
        Assert.True(datagrams > 12, "the spans should need several datagrams per export");
    }

    private static void AssertWellFormed(IEnumerable<AgentDatagram> datagrams) =>
        Assert.All(datagrams, d =>
        {
            Assert.Null(d.Error);
            Assert.Equal(0, d.Trailing);
            Assert.DoesNotContain("$unknown", d.Line, StringComparison.Ordinal);
            Assert.NotEmpty(d.Spans);
        });
}

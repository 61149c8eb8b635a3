using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using Tracing.Sdk.Tests.Support.Jaeger;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>
/// Every field of the OpenTelemetry-to-Jaeger mapping, decoded by Apache Thrift's npm implementation
/// (compact and binary protocols) on a loopback UDP port.
/// </summary>
public sealed class JaegerUdpMappingTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentId = "b7ad6b7169203331";

    [Theory]
    [InlineData("compact")]
    [InlineData("binary")]
    public async Task EveryMappedField_RoundTrips(string protocol)
    {
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        using var spans = new SpanFactory(version: "4.5.6");
        var parent = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(ParentId), ActivityTraceFlags.Recorded, isRemote: true);
        var linkA = new ActivityContext(ActivityTraceId.CreateFromString("ffffffffffffffff0000000000000001"), ActivitySpanId.CreateFromString("8000000000000000"), ActivityTraceFlags.None);
        var linkB = new ActivityContext(ActivityTraceId.CreateFromString("00000000000000017fffffffffffffff"), ActivitySpanId.CreateFromString("0000000000000001"), ActivityTraceFlags.Recorded);
        var start = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);
        var eventTime = start.AddMilliseconds(3).AddTicks(5);

        var child = spans.Child("GET /orders/{id}", parent, a =>
        {
            a.SetStartTime(start.UtcDateTime);
            a.SetTag("s", "text");
            a.SetTag("b", true);
            a.SetTag("l", long.MinValue);
            a.SetTag("i", 42);
            a.SetTag("d", 2.5);
            a.SetTag("bin", new byte[] { 0, 1, 2, 255 });
            a.SetTag("strings", new[] { "a", "b\"c" });
            a.SetTag("longs", new long[] { 1, -2 });
            a.SetTag("bools", new[] { true, false });
            a.SetTag("doubles", new[] { 1.5, -0.25 });
            a.SetTag("gone", null);
            a.SetTag("error", "user value replaced by the status");
            a.AddEvent(new ActivityEvent("retry", eventTime, new ActivityTagsCollection { ["attempt"] = 2L, ["why"] = "timeout" }));
            a.AddEvent(new ActivityEvent("named", eventTime, new ActivityTagsCollection { ["event"] = "attribute wins" }));
            a.SetStatus(ActivityStatusCode.Error, "boom");
            a.SetEndTime(start.UtcDateTime.AddMilliseconds(12.3456));
        }, ActivityKind.Client, [new ActivityLink(linkA), new ActivityLink(linkB)]);
        var root = spans.Root("root", a =>
        {
            a.SetTag("sampler.debug", true);
            a.SetStatus(ActivityStatusCode.Ok);
        }, ActivityKind.Server);

        using (var exporter = SpanFactory.Exporter(agent.Port, protocol))
        {
            Assert.Equal(ExportResult.Success, exporter.Export(SpanFactory.Batch(child, root)));
        }

        var datagram = Assert.Single(await agent.WaitForSpansAsync(2));
        Assert.Null(datagram.Error);
        Assert.DoesNotContain("$unknown", datagram.Line, StringComparison.Ordinal);
        Assert.Equal(0, datagram.Trailing);
        Assert.Equal(protocol, datagram.Protocol);
        Assert.Equal("emitBatch", datagram.Message!.Name);
        Assert.Equal(4, datagram.Message.Type); // ONEWAY
        Assert.Equal("1", datagram.Batch!.SeqNo);
        Assert.Equal(0, datagram.Batch.Stats!.FullQueueDropped);
        Assert.Equal(0, datagram.Batch.Stats.TooLargeDropped);
        Assert.Equal(0, datagram.Batch.Stats.FailedToEmit);
        Assert.Equal("jaeger-tests", datagram.Batch.Process!.ServiceName);
        Assert.True(Guid.TryParse(datagram.Batch.Process.Tag("client-uuid").VStr, out _));

        var c = datagram.Spans[0];
        Assert.Equal(TraceId, c.TraceIdHex);
        Assert.Equal(unchecked((long)0x0af7651916cd43ddUL).ToString(CultureInfo.InvariantCulture), c.TraceIdHigh);
        Assert.Equal(unchecked((long)0x8448eb211c80319cUL).ToString(CultureInfo.InvariantCulture), c.TraceIdLow);
        Assert.Equal(child.SpanId.ToHexString(), c.SpanIdHex);
        Assert.Equal(ParentId, AgentSpan.Hex(c.ParentSpanId));
        Assert.Equal("GET /orders/{id}", c.OperationName);
        Assert.Equal(1, c.Flags); // sampled
        Assert.Equal(((start.UtcTicks - DateTime.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture), c.StartTime);
        Assert.Equal("12345", c.Duration);

        // Parent first as CHILD_OF (0), then the links as FOLLOWS_FROM (1), ids split the same way.
        Assert.Collection(
            c.References!,
            r => AssertRef(r, 0, TraceId, ParentId),
            r => AssertRef(r, 1, "ffffffffffffffff0000000000000001", "8000000000000000"),
            r => AssertRef(r, 1, "00000000000000017fffffffffffffff", "0000000000000001"));

        AssertTag(c.Tag("s"), 0, str: "text");
        Assert.True(c.Tag("b").VBool);
        Assert.Equal(2, c.Tag("b").VType);
        Assert.Equal(long.MinValue, c.Tag("l").LongValue);
        Assert.Equal(3, c.Tag("l").VType);
        Assert.Equal(42, c.Tag("i").LongValue);
        Assert.Equal(2.5, c.Tag("d").VDouble);
        Assert.Equal(1, c.Tag("d").VType);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, c.Tag("bin").BinaryValue);
        Assert.Equal(4, c.Tag("bin").VType);
        AssertTag(c.Tag("strings"), 0, str: "[\"a\",\"b\\\"c\"]");
        AssertTag(c.Tag("longs"), 0, str: "[1,-2]");
        AssertTag(c.Tag("bools"), 0, str: "[true,false]");
        AssertTag(c.Tag("doubles"), 0, str: "[1.5,-0.25]");
        Assert.False(c.HasTag("gone"));
        AssertTag(c.Tag("span.kind"), 0, str: "client");
        AssertTag(c.Tag("otel.status_code"), 0, str: "ERROR");
        AssertTag(c.Tag("otel.status_description"), 0, str: "boom");
        Assert.True(c.Tag("error").VBool); // the status's error flag replaced the user's "error" value
        AssertTag(c.Tag("otel.scope.name"), 0, str: spans.Source.Name);
        AssertTag(c.Tag("otel.scope.version"), 0, str: "4.5.6");
        AssertTag(c.Tag("otel.library.name"), 0, str: spans.Source.Name);
        AssertTag(c.Tag("otel.library.version"), 0, str: "4.5.6");
        Assert.Equal(18, c.Tags!.Count);

        Assert.Collection(
            c.Logs!,
            log =>
            {
                Assert.Equal(((eventTime.UtcTicks - DateTime.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture), log.Timestamp);
                AssertTag(log.Field("event"), 0, str: "retry");
                Assert.Equal(2, log.Field("attempt").LongValue);
                AssertTag(log.Field("why"), 0, str: "timeout");
                Assert.Equal(3, log.Fields.Count);
            },
            log => AssertTag(Assert.Single(log.Fields), 0, str: "attribute wins"));

        var r2 = datagram.Spans[1];
        Assert.Equal(root.TraceId.ToHexString(), r2.TraceIdHex);
        Assert.Equal("0", r2.ParentSpanId);
        Assert.Null(r2.References);
        Assert.Null(r2.Logs);
        Assert.Equal(3, r2.Flags); // sampled + debug
        AssertTag(r2.Tag("span.kind"), 0, str: "server");
        AssertTag(r2.Tag("otel.status_code"), 0, str: "OK");
        Assert.False(r2.HasTag("otel.status_description"));
        Assert.False(r2.HasTag("error"));
        Assert.True(r2.Tag("sampler.debug").VBool);
    }

    [Fact]
    public async Task InternalKindAndUnsetStatus_AddNoTags_ButAnErrorStatusAttributeSetsTheErrorFlag()
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory(version: null);
        var plain = spans.Root("plain");
        var flagged = spans.Root("flagged", a =>
        {
            a.SetTag("otel.status_code", "ERROR");
            a.SetTag("error", "text");
        });

        using (var exporter = SpanFactory.Exporter(agent.Port))
        {
            exporter.Export(SpanFactory.Batch(plain, flagged));
        }

        var received = (await agent.WaitForSpansAsync(2)).SelectMany(d => d.Spans).ToList();
        var p = received[0];
        Assert.Equal(["otel.scope.name", "otel.library.name"], p.Tags!.Select(t => t.Key));
        var f = received[1];
        AssertTag(f.Tag("otel.status_code"), 0, str: "ERROR");
        Assert.True(f.Tag("error").VBool);
    }

    [Theory]
    [InlineData("00000000000000000000000000000001", "0", "1")]
    [InlineData("ffffffffffffffffffffffffffffffff", "-1", "-1")]
    [InlineData("80000000000000000000000000000000", "-9223372036854775808", "0")]
    [InlineData("7fffffffffffffff8000000000000000", "9223372036854775807", "-9223372036854775808")]
    [InlineData("0123456789abcdeffedcba9876543210", "81985529216486895", "-81985529216486896")]
    public async Task TraceId_SplitsBigEndianIntoSignedHighAndLow(string traceId, string high, string low)
    {
        await using var agent = await JaegerAgentPeer.StartAsync();
        using var spans = new SpanFactory();
        var parent = new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString("ffffffffffffffff"), ActivityTraceFlags.Recorded);
        var span = spans.Child("ids", parent);

        using (var exporter = SpanFactory.Exporter(agent.Port))
        {
            exporter.Export(SpanFactory.Batch(span));
        }

        var received = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Equal(high, received.TraceIdHigh);
        Assert.Equal(low, received.TraceIdLow);
        Assert.Equal("-1", received.ParentSpanId);
        Assert.Equal(span.SpanId.ToHexString(), received.SpanIdHex);
        Assert.Equal(traceId, received.TraceIdHex);
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("binary")]
    public async Task RandomIntegersAndDoubles_RoundTripExactly(string protocol)
    {
        var random = new Random(20240506);
        var longs = Enumerable.Range(0, 500).Select(i => i % 50 == 0 ? (i % 100 == 0 ? long.MinValue : long.MaxValue) : random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64)).ToArray();
        var doubles = Enumerable.Range(0, 500).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).Where(double.IsFinite).ToArray();
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        using var spans = new SpanFactory();
        var span = spans.Root("numbers", a =>
        {
            for (var i = 0; i < longs.Length; i++)
            {
                a.SetTag($"l{i}", longs[i]);
            }

            for (var i = 0; i < doubles.Length; i++)
            {
                a.SetTag($"d{i}", doubles[i]);
            }
        });

        using (var exporter = SpanFactory.Exporter(agent.Port, protocol))
        {
            exporter.Export(SpanFactory.Batch(span));
        }

        var received = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Equal(longs, longs.Select((_, i) => received.Tag($"l{i}").LongValue));
        Assert.Equal(doubles, doubles.Select((_, i) => received.Tag($"d{i}").VDouble!.Value));
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("binary")]
    public async Task Unicode_SurvivesInNamesKeysValuesAndEvents(string protocol)
    {
        const string text = "Grüße, мир, 世界, مرحبا, 🎉👩‍💻, e\u0301";
        await using var agent = await JaegerAgentPeer.StartAsync(protocol);
        using var spans = new SpanFactory();
        var span = spans.Root("opération ✓ " + text, a =>
        {
            a.SetTag("clé.🔑", text);
            a.SetTag("long." + text, new string('ж', 3000) + text); // longer than the short-string path
            a.SetTag("lone", "a\ud800b"); // a lone surrogate cannot be UTF-8: it becomes U+FFFD
            a.AddEvent(new ActivityEvent("événement " + text));
        });

        using (var exporter = SpanFactory.Exporter(agent.Port, protocol))
        {
            exporter.Export(SpanFactory.Batch(span));
        }

        var received = Assert.Single(Assert.Single(await agent.WaitForSpansAsync(1)).Spans);
        Assert.Equal("opération ✓ " + text, received.OperationName);
        Assert.Equal(text, received.Tag("clé.🔑").VStr);
        Assert.Equal(new string('ж', 3000) + text, received.Tag("long." + text).VStr);
        Assert.Equal("a\ufffdb", received.Tag("lone").VStr);
        Assert.Equal("événement " + text, Assert.Single(received.Logs!).Field("event").VStr);
    }

    private static void AssertRef(AgentSpanRef reference, int type, string traceId, string spanId)
    {
        Assert.Equal(type, reference.RefType);
        Assert.Equal(traceId, AgentSpan.Hex(reference.TraceIdHigh) + AgentSpan.Hex(reference.TraceIdLow));
        Assert.Equal(spanId, AgentSpan.Hex(reference.SpanId));
    }

    private static void AssertTag(AgentTag tag, int type, string str)
    {
        Assert.Equal(type, tag.VType);
        Assert.Equal(str, tag.VStr);
    }
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class JaegerFormatTests : IDisposable
{
    private const string TraceId = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string SpanId = "e457b5a2e4d86bd1";

    private readonly CountedDiagnostics _counted = new();
    private readonly JaegerFormat _format;

    public JaegerFormatTests() => _format = new JaegerFormat(_counted.Diagnostics);

    public void Dispose() => _counted.Dispose();

    [Theory]
    [InlineData("1", ActivityTraceFlags.Recorded)]
    [InlineData("0", ActivityTraceFlags.None)]
    [InlineData("5", ActivityTraceFlags.Recorded)] // sampled + an unknown bit
    [InlineData("2", ActivityTraceFlags.None)] // debug alone asks for sampling (on the context); the flag is 0x1's
    [InlineData("0a", ActivityTraceFlags.None)] // hex: 0x0a has the debug bit, not the sampled one
    [InlineData("08", ActivityTraceFlags.None)] // firehose bit only
    public void Extract_ReadsFlagsAsAHexBitmask(string flags, ActivityTraceFlags expected)
    {
        var context = Extract(new HeaderCarrier(("uber-trace-id", $"{TraceId}:{SpanId}:0:{flags}")));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(expected, context.TraceFlags);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData("abc:def:0:1", "00000000000000000000000000000abc", "0000000000000def")] // no zero padding required
    [InlineData("64FE8B2A57D3EFF7:E457B5A2E4D86BD1:0:1", "000000000000000064fe8b2a57d3eff7", "e457b5a2e4d86bd1")] // either case
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7%3Ae457b5a2e4d86bd1%3A0%3A1", TraceId, SpanId)] // URL-encoded
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:05e3ac9a4f6e3b90:1", TraceId, SpanId)] // parent id kept apart
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:05E3AC9A4F6E3B90:01", TraceId, SpanId)] // either case parent id, two flags digits
    [InlineData(" 80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1 ", TraceId, SpanId)] // surrounding blanks
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0%3A1", TraceId, SpanId)] // full-width ids, the last separator encoded
    [InlineData("64fe8b2a57d3eff7:457b5a2e4d86bd1:05e3ac9a4f6e3b90:1", "000000000000000064fe8b2a57d3eff7", "0457b5a2e4d86bd1")] // ':' where full-width ids put theirs
    public void Extract_AcceptsJaegerSpellings(string value, string traceId, string spanId)
    {
        var context = Extract(new HeaderCarrier(("uber-trace-id", value)));

        Assert.Equal(traceId, context.TraceId.ToHexString());
        Assert.Equal(spanId, context.SpanId.ToHexString());
    }

    [Fact]
    public void Extract_DebugFlag_IsHandedToTheSampler()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var context = Extract(new HeaderCarrier(("uber-trace-id", $"{traceId}:{SpanId}:0:3")));

        Assert.True(DebugSampling.TryRead(context.TraceState, out var trusted, out var debugId));
        Assert.False(trusted); // the format cannot know the caller; the ASP.NET Core integration says
        Assert.Null(debugId);
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags); // 0x1 of 3: stands if the request is refused
    }

    [Fact]
    public void Extract_DebugIdWithAParent_AsksForSamplingWithTheIdOnTheContext()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var context = Extract(new HeaderCarrier(("uber-trace-id", $"{traceId}:{SpanId}:0:0"), ("jaeger-debug-id", "req-42")));

        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags); // the caller's own decision, if refused
        Assert.True(DebugSampling.TryRead(context.TraceState, out _, out var debugId));
        Assert.Equal("req-42", debugId);
    }

    [Fact]
    public void Extract_DebugIdWithoutAParent_IsARootRequest_NotAParent()
    {
        var carrier = new HeaderCarrier(("jaeger-debug-id", "req-43"));

        Assert.Equal(default, Extract(carrier));

        var request = _format.ExtractContext(carrier, HeaderCarrier.Getter);
        Assert.True(DebugSampling.IsRootRequest(request));
        Assert.True(DebugSampling.TryRead(request.TraceState, out _, out var debugId));
        Assert.Equal("req-43", debugId);
    }

    [Theory]
    [InlineData("a\u0001b")] // a control character cannot be recorded as it came
    [InlineData("   ")] // blank
    public void Extract_UnusableDebugIdAlone_AsksForNothing(string debugId)
    {
        var context = _format.ExtractContext(new HeaderCarrier(("jaeger-debug-id", debugId)), HeaderCarrier.Getter);

        Assert.Equal(default, context);
    }

    [Fact]
    public void Extract_LongDebugId_IsCut()
    {
        var context = _format.ExtractContext(new HeaderCarrier(("jaeger-debug-id", new string('x', 1000))), HeaderCarrier.Getter);

        Assert.True(DebugSampling.TryRead(context.TraceState, out _, out var debugId));
        Assert.Equal(DebugSampling.MaxDebugIdLength, debugId!.Length);
    }

    [Theory]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0")] // three fields
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1:2")] // five fields
    [InlineData("0:e457b5a2e4d86bd1:0:1")] // zero trace id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:0:0:1")] // zero span id
    [InlineData("180f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1")] // 33-digit trace id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:1e457b5a2e4d86bd1:0:1")] // 17-digit span id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:xyz:1")] // non-hex parent id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:g")] // non-hex flags
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:100")] // flags wider than a byte
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7::0:1")] // empty span id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:")] // empty flags
    [InlineData("80f198ee56343ba8\064fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1")] // embedded NUL
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7%3Ae457b5a2e4d86bd1%3A0%3A1%00")] // encoded NUL
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7%3Ae457b5a2e4d86bd1%3A0%3A%ZZ")] // bad escape left in the flags
    [InlineData("")] // empty
    [InlineData(":e457b5a2e4d86bd1:0:1")] // empty trace id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1::1")] // empty parent id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:105e3ac9a4f6e3b90:1")] // 17-digit parent id
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1:")] // a fourth separator
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:1g")] // non-hex second flags digit
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:-1")] // a sign is no hex
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0-1")] // B3's separator
    public void Extract_ReturnsNoParent_WhenUberTraceIdIsMalformed(string value)
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("uber-trace-id", value))));
        Assert.Equal(1, _counted.Invalid("jaeger"));
    }

    [Fact]
    public void Extract_ReadsUberctxBaggage_UrlDecoded()
    {
        var carrier = new HeaderCarrier(("uber-trace-id", $"{TraceId}:{SpanId}:0:1"), ("uberctx-user", "alice%20smith"), ("UberCtx-Tenant", "t1"));

        var baggage = _format.Extract(default, carrier, HeaderCarrier.Getter).Baggage;

        Assert.Equal("alice smith", baggage.GetBaggage("user"));
        Assert.Equal("t1", baggage.GetBaggage("Tenant"));
    }

    [Fact]
    public void Extract_KeepsTheFirst180UberctxHeaders_AndCountsEachOneLeftOut()
    {
        var carrier = new HeaderCarrier(("uber-trace-id", $"{TraceId}:{SpanId}:0:1"));
        for (var i = 0; i < 200; i++)
        {
            carrier.Add($"uberctx-k{i}", "v");
        }

        var baggage = ExtractBaggage(carrier);

        Assert.Equal(180, baggage.Count);
        Assert.Equal("v", baggage.GetBaggage("k179"));
        Assert.Null(baggage.GetBaggage("k180"));
        Assert.Equal(20, _counted.BaggageDropped("jaeger", "member_count"));
        Assert.Equal(20, _counted.BaggageDroppedTotal);
        Assert.Equal(0, _counted.InvalidTotal); // over a limit is not malformed
    }

    [Fact]
    public void Extract_LeavesOutAnUberctxHeaderOver4096Bytes_AndKeepsTheOthers()
    {
        // "big=" + 4093 characters is 4097 bytes measured as W3C baggage would carry it.
        var carrier = new HeaderCarrier(("uberctx-a", "1"), ("uberctx-big", new string('x', 4093)), ("uberctx-b", "2"));

        var baggage = ExtractBaggage(carrier);

        Assert.Null(baggage.GetBaggage("big"));
        Assert.Equal("1", baggage.GetBaggage("a"));
        Assert.Equal("2", baggage.GetBaggage("b"));
        Assert.Equal(1, _counted.BaggageDropped("jaeger", "member_size"));
        Assert.Equal(1, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_KeepsAnUberctxHeaderOfExactly4096Bytes()
    {
        var baggage = ExtractBaggage(new HeaderCarrier(("uberctx-big", new string('x', 4092))));

        Assert.Equal(4092, baggage.GetBaggage("big")?.Length);
        Assert.Equal(0, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_MeasuresTheUberctxValueAsSent_NotDecoded()
    {
        // 700 URL-encoded 'é' (%C3%A9, 6 characters each) are 4200 bytes on the wire, 1400 once decoded.
        var encoded = string.Concat(Enumerable.Repeat("%C3%A9", 700));

        var baggage = ExtractBaggage(new HeaderCarrier(("uberctx-name", encoded), ("uberctx-other", "x")));

        Assert.Null(baggage.GetBaggage("name"));
        Assert.Equal("x", baggage.GetBaggage("other"));
        Assert.Equal(1, _counted.BaggageDropped("jaeger", "member_size"));
    }

    [Fact]
    public void Extract_StopsAt8192UberctxBytesInAll_KeepingWhatFits()
    {
        // Three entries of 3003 bytes (key, '=', 3000 value bytes, separator): the third would pass 8192 in all.
        var value = new string('v', 3000);
        var carrier = new HeaderCarrier(("uberctx-a", value), ("uberctx-b", value), ("uberctx-c", value), ("uberctx-small", "1"));

        var baggage = ExtractBaggage(carrier);

        Assert.NotNull(baggage.GetBaggage("a"));
        Assert.NotNull(baggage.GetBaggage("b"));
        Assert.Null(baggage.GetBaggage("c"));
        Assert.Equal("1", baggage.GetBaggage("small"));
        Assert.Equal(1, _counted.BaggageDropped("jaeger", "total_size"));
        Assert.Equal(1, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Extract_CountsEveryReasonApart()
    {
        // 100 small entries (590 bytes with separators), one over 4096 bytes, three of 3003 bytes (the
        // third would pass 8192 in all: 6598 + 3003), then 80 small ones (470 bytes) of which the last
        // two would be members 181 and 182.
        var carrier = new HeaderCarrier();
        for (var i = 0; i < 100; i++)
        {
            carrier.Add($"uberctx-k{i}", "v");
        }

        carrier.Add("uberctx-huge", new string('h', 5000));
        var value = new string('v', 3000);
        carrier.Add("uberctx-t1", value).Add("uberctx-t2", value).Add("uberctx-t3", value);
        for (var i = 0; i < 80; i++)
        {
            carrier.Add($"uberctx-m{i}", "x");
        }

        var baggage = ExtractBaggage(carrier);

        Assert.Equal(180, baggage.Count);
        Assert.Null(baggage.GetBaggage("huge"));
        Assert.Null(baggage.GetBaggage("t3"));
        Assert.Equal("x", baggage.GetBaggage("m77"));
        Assert.Null(baggage.GetBaggage("m78"));
        Assert.Equal(1, _counted.BaggageDropped("jaeger", "member_size"));
        Assert.Equal(1, _counted.BaggageDropped("jaeger", "total_size"));
        Assert.Equal(2, _counted.BaggageDropped("jaeger", "member_count"));
        Assert.Equal(4, _counted.BaggageDroppedTotal);
    }

    [Fact]
    public void Inject_WritesAtMost180UberctxHeaders_AndLeavesOutAnEntryOver4096Bytes()
    {
        var items = Enumerable.Range(0, 200).ToDictionary(i => $"k{i:D3}", _ => "v");
        items["big"] = new string('x', 4093);
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), ActivityTraceFlags.Recorded), Baggage.Create(items)), carrier, HeaderCarrier.Setter);

        var written = carrier.Names.Where(n => n.StartsWith("uberctx-", StringComparison.Ordinal)).ToList();
        Assert.Equal(180, written.Count);
        Assert.DoesNotContain("uberctx-big", written);
    }

    [Fact]
    public void Inject_WritesIdsParentFlagsAndBaggage()
    {
        using var parent = new Activity("parent").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var child = new Activity("child").Start();
        child.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var baggage = Baggage.Create(new Dictionary<string, string> { ["user"] = "alice smith" });
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(child.Context, baggage), carrier, HeaderCarrier.Setter);

        Assert.Equal($"{child.TraceId.ToHexString()}:{child.SpanId.ToHexString()}:{parent.SpanId.ToHexString()}:1", carrier["uber-trace-id"]);
        Assert.Equal("alice%20smith", carrier["uberctx-user"]);
    }

    [Fact]
    public void Inject_WritesZeroParent_AndUnsampledFlags_ForARemoteContext()
    {
        var context = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), ActivityTraceFlags.None);
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);

        Assert.Equal($"{TraceId}:{SpanId}:0:0", carrier["uber-trace-id"]);
    }

    private ActivityContext Extract(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext;

    private Baggage ExtractBaggage(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).Baggage;
}

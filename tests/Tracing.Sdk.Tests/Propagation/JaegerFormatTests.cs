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
    [InlineData("3", ActivityTraceFlags.Recorded)] // sampled + debug: not only the exact string "1" is sampled
    [InlineData("5", ActivityTraceFlags.Recorded)] // sampled + an unknown bit
    [InlineData("2", ActivityTraceFlags.Recorded)] // debug alone still forces sampling
    [InlineData("0a", ActivityTraceFlags.Recorded)] // hex: 0x0a has the debug bit
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

        Assert.True(DebugContext.IsDebugParent(context, out var debugId));
        Assert.Null(debugId);
    }

    [Fact]
    public void Extract_DebugIdWithAParent_ForcesSamplingAndIsRecordedWithTheParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var context = Extract(new HeaderCarrier(("uber-trace-id", $"{traceId}:{SpanId}:0:0"), ("jaeger-debug-id", "req-42")));

        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.True(DebugContext.IsDebugParent(context, out var debugId));
        Assert.Equal("req-42", debugId);
    }

    [Fact]
    public void Extract_DebugIdWithoutAParent_MarksTheNextRoot()
    {
        DebugContext.ClearNextRoot();

        Assert.Equal(default, Extract(new HeaderCarrier(("jaeger-debug-id", "req-43"))));

        Assert.True(DebugContext.TryTakeNextRoot(ActivityKind.Server, out var debugId));
        Assert.Equal("req-43", debugId);
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
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class TraceContextFormatTests : IDisposable
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string SpanId = "b7ad6b7169203331";
    private const string Valid = "00-" + TraceId + "-" + SpanId + "-01";

    private readonly CountedDiagnostics _counted = new();
    private readonly TraceContextFormat _format;

    public TraceContextFormatTests() => _format = new TraceContextFormat(_counted.Diagnostics);

    public void Dispose() => _counted.Dispose();

    [Theory]
    [InlineData("01", ActivityTraceFlags.Recorded)]
    [InlineData("00", ActivityTraceFlags.None)]
    [InlineData("03", ActivityTraceFlags.Recorded)] // unknown flag bits are ignored (§3.2.2.5)
    [InlineData("fe", ActivityTraceFlags.None)]
    public void Extract_ReadsIdsAndSampledFlag(string flags, ActivityTraceFlags expected)
    {
        var context = Extract(new HeaderCarrier(("traceparent", $"00-{TraceId}-{SpanId}-{flags}")));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(expected, context.TraceFlags);
        Assert.True(context.IsRemote);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Fact]
    public void Extract_AcceptsFutureVersion_WithExtraFieldsAfterADash()
    {
        var context = Extract(new HeaderCarrier(("traceparent", $"cc-{TraceId}-{SpanId}-01-what-the-future-holds")));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
    }

    [Theory]
    [InlineData("")] // empty
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0")] // flags one digit short
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-011")] // version 00 with an extra character
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-00")] // version 00 with an extra field
    [InlineData("00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331c-01")] // delimiter shifted: trace id 31 digits
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")] // upper-case trace id (§3.2.2.3 lower-case only)
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01")] // upper-case parent id
    [InlineData("0A-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // upper-case version
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0G")] // non-hex flags
    [InlineData("00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01")] // non-hex trace id
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // all-zero trace id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // all-zero parent id
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // version ff is forbidden
    [InlineData("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01.extra")] // future version, but no dash after the flags
    [InlineData("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01")] // wrong delimiters
    [InlineData("00-0af7651916cd43dd\08448eb211c80319c-b7ad6b7169203331-01")] // embedded NUL
    [InlineData(" 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // leading space shifts every field
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01,00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // two headers folded into one
    public void Extract_ReturnsNoParent_WhenTraceparentIsMalformed(string traceparent)
    {
        var context = Extract(new HeaderCarrier(("traceparent", traceparent)));

        Assert.Equal(default, context);
        Assert.Equal(1, _counted.Invalid("tracecontext"));
    }

    [Fact]
    public void Extract_ReturnsNoParent_WhenTraceparentIs100KB()
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid + new string('a', 100_000))));

        Assert.Equal(default, context);
        Assert.Equal(1, _counted.Invalid("tracecontext"));
    }

    [Fact]
    public void Extract_ReturnsNoParent_WhenTraceparentIsDuplicated()
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid), ("traceparent", Valid)));

        Assert.Equal(default, context);
        Assert.Equal(1, _counted.Invalid("tracecontext"));
    }

    [Fact]
    public void Extract_ReturnsNothingAndCountsNothing_WhenHeaderIsAbsent()
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("other", "x"))));
        Assert.Equal(0, _counted.InvalidTotal);
    }

    // The list rules themselves, case by case, are in TraceStateListTests.
    [Theory]
    [InlineData("congo=t61rcWkgMzE", "congo=t61rcWkgMzE")]
    [InlineData("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")]
    [InlineData("tenant@vendor=v, a-b_c*d/e=1", "tenant@vendor=v,a-b_c*d/e=1")] // optional whitespace is not sent on
    [InlineData("a=1,a=2", "a=1")] // a duplicated key is not malformed: its first entry is kept
    public void Extract_KeepsValidTracestate_WithoutCountingIt(string tracestate, string expected)
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", tracestate)));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(expected, context.TraceState);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData("Upper=1")] // keys are lower-case
    [InlineData("a=")] // empty value
    [InlineData("a=b,c")] // member without '='
    [InlineData("a=va=lue")] // '=' inside a value
    [InlineData("@tracing-sdk=defer")] // the SDK's own deferred-sampling mark cannot be sent in: a key may not start with '@'
    public void Extract_DropsMalformedTracestate_CountsIt_AndKeepsTheTraceparent(string tracestate)
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", tracestate)));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Null(context.TraceState);
        Assert.False(DeferredSampling.IsDeferred(context));
        Assert.Equal(1, _counted.Invalid("tracecontext"));
    }

    [Fact]
    public void Inject_NeverWritesTheDeferredSamplingMark()
    {
        var deferred = DeferredSampling.Context(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId));
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(deferred, default), carrier, HeaderCarrier.Setter);

        Assert.Equal($"00-{TraceId}-{SpanId}-00", carrier["traceparent"]);
        Assert.Empty(carrier.Values("tracestate"));
    }

    [Fact]
    public void Extract_KeepsThirtyTwoTracestateMembers_AndDropsThirtyThree()
    {
        var members32 = string.Join(",", Enumerable.Range(0, 32).Select(i => $"k{i}=v"));
        var members33 = members32 + ",k32=v";

        Assert.Equal(members32, Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", members32))).TraceState);
        Assert.Null(Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", members33))).TraceState);
    }

    [Fact]
    public void Extract_JoinsSeveralTracestateHeadersInOrder()
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", "a=1"), ("tracestate", "b=2")));

        Assert.Equal("a=1,b=2", context.TraceState);
    }

    [Fact]
    public void Extract_DropsTracestateWithOverlongValue()
    {
        var context = Extract(new HeaderCarrier(("traceparent", Valid), ("tracestate", "a=" + new string('x', 257))));

        Assert.Null(context.TraceState);
        Assert.Equal(TraceId, context.TraceId.ToHexString());
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "01")]
    [InlineData(ActivityTraceFlags.None, "00")]
    public void Inject_WritesVersion00TraceparentAndTracestate(ActivityTraceFlags flags, string expectedFlags)
    {
        var context = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), flags, "a=1");
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);

        Assert.Equal($"00-{TraceId}-{SpanId}-{expectedFlags}", carrier["traceparent"]);
        Assert.Equal("a=1", carrier["tracestate"]);
    }

    [Fact]
    public void Inject_WritesNothing_ForAnInvalidContext()
    {
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(default, default), carrier, HeaderCarrier.Setter);

        Assert.Equal(0, carrier.Count);
    }

    [Fact]
    public void Extract_AgreesWithOpenTelemetrysPropagator_OnValidInput()
    {
        var carrier = new HeaderCarrier(("traceparent", Valid), ("tracestate", "a=1"));
        var theirs = new TraceContextPropagator().Extract(default, carrier, HeaderCarrier.Getter);

        Assert.Equal(theirs.ActivityContext, Extract(carrier));
    }

    [Fact]
    public void Extract_KeepsAnAlreadyValidContext_AsAnOpenTelemetryPropagatorDoes()
    {
        var existing = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

        var result = _format.Extract(new PropagationContext(existing, default(Baggage)), new HeaderCarrier(("traceparent", Valid)), HeaderCarrier.Getter);

        Assert.Equal(existing, result.ActivityContext);
    }

    private ActivityContext Extract(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext;
}

using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class B3SingleFormatTests : IDisposable
{
    private const string TraceId = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string SpanId = "e457b5a2e4d86bd1";
    private const string ParentId = "05e3ac9a4f6e3b90";

    private readonly CountedDiagnostics _counted = new();
    private readonly B3SingleFormat _format;

    public B3SingleFormatTests() => _format = new B3SingleFormat(_counted.Diagnostics);

    public void Dispose() => _counted.Dispose();

    [Theory]
    [InlineData(TraceId + "-" + SpanId + "-1-" + ParentId, ActivityTraceFlags.Recorded)]
    [InlineData(TraceId + "-" + SpanId + "-1", ActivityTraceFlags.Recorded)]
    [InlineData(TraceId + "-" + SpanId + "-0", ActivityTraceFlags.None)]
    [InlineData(TraceId + "-" + SpanId, ActivityTraceFlags.None)] // deferred: no decision travels, so none is claimed
    public void Extract_ReadsIdsAndSamplingState(string b3, ActivityTraceFlags flags)
    {
        var context = Extract(new HeaderCarrier(("b3", b3)));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(flags, context.TraceFlags);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData(TraceId + "-" + SpanId, TraceId)] // "Defer is absence of the sampling field"
    [InlineData("64fe8b2a57d3eff7-" + SpanId, "000000000000000064fe8b2a57d3eff7")] // a 64-bit trace id, deferred: padded and continued
    [InlineData(TraceId + "-" + SpanId + "-" + ParentId, TraceId)] // no sampling field, ParentSpanId "in the final position"
    public void Extract_IdsWithoutSamplingState_AreADeferredParent(string b3, string traceId)
    {
        var context = Extract(new HeaderCarrier(("b3", b3)));

        Assert.True(DeferredSampling.IsDeferred(context));
        Assert.Equal(traceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.True(context.IsRemote);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData(TraceId + "-" + SpanId + "-0")] // deny is a decision
    [InlineData(TraceId + "-" + SpanId + "-1")] // accept is a decision
    [InlineData(TraceId + "-" + SpanId + "-1-" + ParentId)] // with a parent id
    public void Extract_IdsWithSamplingState_AreNotDeferred(string b3) =>
        Assert.False(DeferredSampling.IsDeferred(Extract(new HeaderCarrier(("b3", b3)))));

    [Theory]
    [InlineData(TraceId + "-" + SpanId + "-0000000000000000")] // an all-zero parent id in the final position
    [InlineData(TraceId + "-" + SpanId + "-05E3AC9A4F6E3B90")] // an upper-case one
    [InlineData(TraceId + "-" + SpanId + "-05e3ac9a4f6e3b9g")] // a non-hex one
    public void Extract_ReturnsNoParent_WhenADeferredParentIdIsMalformed(string b3)
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("b3", b3))));
        Assert.Equal(1, _counted.Invalid("b3"));
    }

    [Fact]
    public void Inject_PassesADeferredRemoteContextOnWithoutADecision()
    {
        // A proxy extracting and injecting the caller's context: it made no decision, so it sends none.
        var deferred = Extract(new HeaderCarrier(("b3", $"{TraceId}-{SpanId}")));

        Assert.Equal($"{TraceId}-{SpanId}", Inject(deferred)["b3"]);
    }

    [Fact]
    public void Inject_StatesTheDecision_ForALocalSpanUnderADeferredParent()
    {
        // A span's sampler has decided (here: not sampled), even if the span still carries the mark.
        using var span = new Activity("child").SetIdFormat(ActivityIdFormat.W3C).Start();
        span.TraceStateString = DeferredSampling.TraceState;

        Assert.Equal($"{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-0", Inject(span.Context)["b3"]);
    }

    [Fact]
    public void Extract_LeftPads64BitTraceIdTo128()
    {
        var context = Extract(new HeaderCarrier(("b3", "64fe8b2a57d3eff7-" + SpanId + "-1")));

        Assert.Equal("000000000000000064fe8b2a57d3eff7", context.TraceId.ToHexString());
    }

    [Fact]
    public void Extract_Debug_IsARequestHandedToTheSamplerOnTheContext()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var context = Extract(new HeaderCarrier(("b3", $"{traceId}-{SpanId}-d")));

        Assert.Equal(traceId, context.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags); // d carries no decision of its own, should it be refused
        Assert.True(DebugSampling.TryRead(context.TraceState, out _, out var debugId));
        Assert.Null(debugId);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void Extract_SamplingStateAlone_GivesNoParent_AndIsNotMalformed(string b3)
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("b3", b3))));
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Fact]
    public void Extract_DebugAlone_IsARootRequest_NotAParent()
    {
        var carrier = new HeaderCarrier(("b3", "d"));

        Assert.Equal(default, Extract(carrier));
        Assert.True(DebugSampling.IsRootRequest(_format.ExtractContext(carrier, HeaderCarrier.Getter)));
    }

    [Theory]
    [InlineData("2")] // not a sampling state
    [InlineData(TraceId + "-" + SpanId + "-2")] // unknown sampling state
    [InlineData(TraceId + "-" + SpanId + "-true")] // 'true' belongs to X-B3-Sampled only
    [InlineData(TraceId + "-" + SpanId + "-1-" + ParentId + "-extra")] // a fifth field
    [InlineData(TraceId + "-" + SpanId + "-1-05e3ac9a")] // short parent id
    [InlineData(TraceId + "-" + SpanId + "-1-0000000000000000")] // all-zero parent id
    [InlineData("80F198EE56343BA864FE8B2A57D3EFF7-" + SpanId + "-1")] // upper-case trace id: B3 ids are lower-hex
    [InlineData(TraceId + "-E457B5A2E4D86BD1-1")] // upper-case span id
    [InlineData("00000000000000000000000000000000-" + SpanId + "-1")] // all-zero trace id
    [InlineData(TraceId + "-0000000000000000-1")] // all-zero span id
    [InlineData("80f198ee56343ba864fe8b2a57d3ef-" + SpanId + "-1")] // 30-digit trace id: neither 64 nor 128 bits
    [InlineData(TraceId + "-e457b5a2e4d86bd-1")] // 15-digit span id
    [InlineData(TraceId)] // trace id alone
    [InlineData(TraceId + "--1")] // empty span id
    [InlineData("")] // empty
    [InlineData(TraceId + "-" + SpanId + "-1\0")] // embedded NUL
    [InlineData("-" + SpanId + "-1")] // empty trace id
    [InlineData(TraceId + "-" + SpanId + "-")] // empty sampling state
    [InlineData(TraceId + "-" + SpanId + "-1-")] // empty parent id
    [InlineData(TraceId + "-" + SpanId + "--" + ParentId)] // empty sampling state before a parent id
    [InlineData(TraceId + "-" + SpanId + "-10" + ParentId)] // no separator before the parent id
    [InlineData(TraceId + "-e457b5a2-4d86bd1-1")] // a separator inside the span id
    [InlineData(TraceId + "-" + SpanId + "1-1")] // 17-digit span id
    [InlineData(TraceId + "-" + SpanId + "-05e3ac9a-f6e3b90")] // a separator inside a final parent id
    [InlineData(TraceId + "-" + SpanId + "-1-05e3ac9a-f6e3b90")] // a separator inside the parent id
    public void Extract_ReturnsNoParent_WhenB3IsMalformed(string b3)
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("b3", b3))));
        Assert.Equal(1, _counted.Invalid("b3"));
    }

    [Fact]
    public void Extract_ReturnsNoParent_WhenB3IsDuplicated()
    {
        var value = $"{TraceId}-{SpanId}-1";

        Assert.Equal(default, Extract(new HeaderCarrier(("b3", value), ("B3", value))));
    }

    [Fact]
    public void Extract_ReadsTheMultiHeaderForm_WhenNoSingleHeaderIsPresent()
    {
        var context = Extract(new HeaderCarrier(("x-b3-traceid", TraceId), ("x-b3-spanid", SpanId), ("x-b3-sampled", "1")));

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "1")]
    [InlineData(ActivityTraceFlags.None, "0")] // the decision not to sample is written, not left to the receiver
    public void Inject_WritesIdsAndExplicitSamplingState(ActivityTraceFlags flags, string state)
    {
        var carrier = Inject(new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), flags));

        Assert.Equal($"{TraceId}-{SpanId}-{state}", carrier["b3"]);
        Assert.Equal(1, carrier.Count);
    }

    [Fact]
    public void Inject_WritesDebug_ForASpanTaggedDebug()
    {
        // Debug is only looked for once a span in the process was sampled as debug.
        DebugSampling.NoteSampled();
        using var activity = new Activity("debug").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.SetTag(DebugSampling.SpanTag, true);

        var carrier = Inject(activity.Context);

        Assert.EndsWith("-d", carrier["b3"]);
    }

    private ActivityContext Extract(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext;

    private HeaderCarrier Inject(ActivityContext context)
    {
        var carrier = new HeaderCarrier();
        _format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);
        return carrier;
    }
}

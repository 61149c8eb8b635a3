using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class B3MultiFormatTests : IDisposable
{
    private const string TraceId = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string SpanId = "e457b5a2e4d86bd1";
    private const string ParentId = "05e3ac9a4f6e3b90";

    private readonly CountedDiagnostics _counted = new();
    private readonly B3MultiFormat _format;

    public B3MultiFormatTests() => _format = new B3MultiFormat(_counted.Diagnostics);

    public void Dispose() => _counted.Dispose();

    [Theory]
    [InlineData("1", ActivityTraceFlags.Recorded)]
    [InlineData("0", ActivityTraceFlags.None)]
    [InlineData("true", ActivityTraceFlags.Recorded)]
    [InlineData("false", ActivityTraceFlags.None)]
    [InlineData("True", ActivityTraceFlags.Recorded)]
    [InlineData(null, ActivityTraceFlags.None)]
    public void Extract_ReadsSampled_InEveryAcceptedSpelling(string? sampled, ActivityTraceFlags flags)
    {
        var carrier = new HeaderCarrier(("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId), ("X-B3-ParentSpanId", ParentId));
        if (sampled is not null)
        {
            carrier.Add("X-B3-Sampled", sampled);
        }

        var context = Extract(carrier);

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(flags, context.TraceFlags);
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData(TraceId, null, null)] // "Absent means defer the decision to the receiver"
    [InlineData("64fe8b2a57d3eff7", null, null)] // a 64-bit trace id, deferred: padded and continued
    [InlineData(TraceId, ParentId, null)] // with the caller's parent id
    [InlineData(TraceId, null, "0")] // X-B3-Flags other than 1: "Absent or any other value can be ignored"
    public void Extract_IdsWithoutSampledOrDebug_AreADeferredParent(string traceId, string? parentId, string? flags)
    {
        var carrier = new HeaderCarrier(("X-B3-TraceId", traceId), ("X-B3-SpanId", SpanId));
        if (parentId is not null)
        {
            carrier.Add("X-B3-ParentSpanId", parentId);
        }

        if (flags is not null)
        {
            carrier.Add("X-B3-Flags", flags);
        }

        var context = Extract(carrier);

        Assert.True(DeferredSampling.IsDeferred(context));
        Assert.Equal(traceId.PadLeft(32, '0'), context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData("X-B3-Sampled", "0")] // deny is a decision
    [InlineData("X-B3-Sampled", "1")] // accept is a decision
    [InlineData("X-B3-Flags", "1")] // debug implies accept
    public void Extract_IdsWithADecision_AreNotDeferred(string header, string value) =>
        Assert.False(DeferredSampling.IsDeferred(Extract(new HeaderCarrier(("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId), (header, value)))));

    [Fact]
    public void Inject_PassesADeferredRemoteContextOnWithoutADecision()
    {
        var deferred = Extract(new HeaderCarrier(("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId)));
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(deferred, default), carrier, HeaderCarrier.Setter);

        Assert.Equal(TraceId, carrier["X-B3-TraceId"]);
        Assert.Equal(SpanId, carrier["X-B3-SpanId"]);
        Assert.Null(carrier["X-B3-Sampled"]);
        Assert.Null(carrier["X-B3-Flags"]);
    }

    [Fact]
    public void Extract_HeaderNamesAreCaseInsensitive_And64BitIdsArePadded()
    {
        var context = Extract(new HeaderCarrier(("x-b3-traceid", "64fe8b2a57d3eff7"), ("X-B3-SPANID", SpanId), ("x-b3-sampled", "1")));

        Assert.Equal("000000000000000064fe8b2a57d3eff7", context.TraceId.ToHexString());
    }

    [Fact]
    public void Extract_FlagsOne_IsADebugRequestOnTheContext()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var context = Extract(new HeaderCarrier(("X-B3-TraceId", traceId), ("X-B3-SpanId", SpanId), ("X-B3-Flags", "1")));

        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags); // no X-B3-Sampled: no decision of its own
        Assert.True(DebugSampling.IsMarker(context.TraceState));
    }

    [Fact]
    public void Extract_FlagsOneWithSampled_KeepsTheSampledFlagBesideTheRequest()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var context = Extract(new HeaderCarrier(("X-B3-TraceId", traceId), ("X-B3-SpanId", SpanId), ("X-B3-Sampled", "1"), ("X-B3-Flags", "1")));

        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.True(DebugSampling.IsMarker(context.TraceState));
    }

    [Fact]
    public void Inject_PassesADebugRequestOn_WhenTheRemoteContextIsInjectedAsItCame()
    {
        var remote = Extract(new HeaderCarrier(("X-B3-TraceId", ActivityTraceId.CreateRandom().ToHexString()), ("X-B3-SpanId", SpanId), ("X-B3-Flags", "1")));
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(remote, default), carrier, HeaderCarrier.Setter);

        Assert.Equal("1", carrier["X-B3-Flags"]);
    }

    [Fact]
    public void Extract_ReadsTheSingleHeaderToo()
    {
        var context = Extract(new HeaderCarrier(("b3", $"{TraceId}-{SpanId}-1")));

        Assert.Equal(SpanId, context.SpanId.ToHexString());
    }

    [Theory]
    [InlineData(TraceId, null, "1")] // span id missing
    [InlineData(null, SpanId, "1")] // trace id missing
    [InlineData(TraceId, SpanId, "yes")] // not a sampled value
    [InlineData(TraceId, SpanId, "d")] // 'd' belongs to the single header; multi uses X-B3-Flags
    [InlineData("80F198EE56343BA864FE8B2A57D3EFF7", SpanId, "1")] // upper-case
    [InlineData(TraceId, "0000000000000000", "1")] // all-zero span id
    [InlineData("0000000000000000", SpanId, "1")] // all-zero 64-bit trace id
    [InlineData(TraceId + "00", SpanId, "1")] // 34 digits
    [InlineData(TraceId, SpanId + "\0", "1")] // embedded NUL
    public void Extract_ReturnsNoParent_WhenAHeaderIsMalformed(string? traceId, string? spanId, string sampled)
    {
        var carrier = new HeaderCarrier(("X-B3-Sampled", sampled));
        if (traceId is not null)
        {
            carrier.Add("X-B3-TraceId", traceId);
        }

        if (spanId is not null)
        {
            carrier.Add("X-B3-SpanId", spanId);
        }

        Assert.Equal(default, Extract(carrier));
        Assert.Equal(1, _counted.Invalid("b3multi"));
    }

    [Fact]
    public void Extract_ReturnsNoParent_WhenParentSpanIdIsMalformed()
    {
        var carrier = new HeaderCarrier(("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId), ("X-B3-ParentSpanId", "xyz"));

        Assert.Equal(default, Extract(carrier));
        Assert.Equal(1, _counted.Invalid("b3multi"));
    }

    [Fact]
    public void Extract_ReturnsNoParent_WhenTraceIdIsDuplicated()
    {
        var carrier = new HeaderCarrier(("X-B3-TraceId", TraceId), ("X-B3-TraceId", TraceId), ("X-B3-SpanId", SpanId));

        Assert.Equal(default, Extract(carrier));
    }

    [Fact]
    public void Extract_SampledAlone_GivesNoParent_AndIsNotMalformed()
    {
        Assert.Equal(default, Extract(new HeaderCarrier(("X-B3-Sampled", "0"))));
        Assert.Equal(0, _counted.InvalidTotal);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "1")]
    [InlineData(ActivityTraceFlags.None, "0")]
    public void Inject_WritesIdsAndExplicitSampled(ActivityTraceFlags flags, string sampled)
    {
        var carrier = new HeaderCarrier();
        var context = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), flags);

        _format.Inject(new PropagationContext(context, default), carrier, HeaderCarrier.Setter);

        Assert.Equal(TraceId, carrier["X-B3-TraceId"]);
        Assert.Equal(SpanId, carrier["X-B3-SpanId"]);
        Assert.Equal(sampled, carrier["X-B3-Sampled"]);
        Assert.Null(carrier["X-B3-Flags"]);
    }

    [Fact]
    public void Inject_WritesFlagsOne_ForADebugSpan()
    {
        // A debug remote parent, then the span the sampler made debug under it: that span is propagated as debug.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var remote = Extract(new HeaderCarrier(("X-B3-TraceId", traceId), ("X-B3-SpanId", SpanId), ("X-B3-Flags", "1")));
        using var child = new Activity("child").SetParentId(remote.TraceId, remote.SpanId, ActivityTraceFlags.Recorded).Start();
        child.SetTag(DebugSampling.SpanTag, true);
        DebugSampling.NoteSampled();
        var carrier = new HeaderCarrier();

        _format.Inject(new PropagationContext(child.Context, default), carrier, HeaderCarrier.Setter);

        Assert.Equal("1", carrier["X-B3-Flags"]);
        Assert.Null(carrier["X-B3-Sampled"]);
    }

    private ActivityContext Extract(HeaderCarrier carrier) => _format.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext;
}

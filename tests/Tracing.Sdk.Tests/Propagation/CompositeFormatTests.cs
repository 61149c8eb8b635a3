using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class CompositeFormatTests
{
    private static readonly ActivityTraceId s_w3cTrace = ActivityTraceId.CreateRandom();
    private static readonly ActivityTraceId s_b3Trace = ActivityTraceId.CreateRandom();
    private static readonly ActivitySpanId s_span = ActivitySpanId.CreateRandom();

    [Fact]
    public void Extract_TakesTheFirstValidContext_InConfiguredOrder()
    {
        var carrier = BothFormats();

        Assert.Equal(s_w3cTrace, Create("tracecontext", "b3").Extract(default, carrier, HeaderCarrier.Getter).ActivityContext.TraceId);
        Assert.Equal(s_b3Trace, Create("b3", "tracecontext").Extract(default, carrier, HeaderCarrier.Getter).ActivityContext.TraceId);
    }

    [Fact]
    public void Extract_FallsThroughAMalformedFormat_ToTheNextValidOne()
    {
        var carrier = new HeaderCarrier(("traceparent", "garbage"), ("b3", $"{s_b3Trace.ToHexString()}-{s_span.ToHexString()}-1"));

        var context = Create("tracecontext", "b3").Extract(default, carrier, HeaderCarrier.Getter).ActivityContext;

        Assert.Equal(s_b3Trace, context.TraceId);
    }

    [Fact]
    public void Extract_MergesBaggageOfEveryFormat_FirstValueWinning()
    {
        var carrier = new HeaderCarrier(
            ("traceparent", $"00-{s_w3cTrace.ToHexString()}-{s_span.ToHexString()}-01"),
            ("baggage", "shared=fromW3C,w3cOnly=1"),
            ("uberctx-shared", "fromJaeger"),
            ("uberctx-jaegerOnly", "2"));

        var baggage = Create("tracecontext", "baggage", "jaeger").Extract(default, carrier, HeaderCarrier.Getter).Baggage;

        Assert.Equal("fromW3C", baggage.GetBaggage("shared"));
        Assert.Equal("1", baggage.GetBaggage("w3cOnly"));
        Assert.Equal("2", baggage.GetBaggage("jaegerOnly"));
    }

    [Fact]
    public void ExtractContext_PrefersALaterFormatsParent_ToAJaegerDebugIdRootRequest()
    {
        // A jaeger-debug-id alone asks for a new root; this request has a parent, so there is no root to ask for.
        var carrier = new HeaderCarrier(("jaeger-debug-id", "x"), ("traceparent", $"00-{s_w3cTrace.ToHexString()}-{s_span.ToHexString()}-01"));

        var context = Create("jaeger", "tracecontext").ExtractContext(carrier, HeaderCarrier.Getter);

        Assert.Equal(s_w3cTrace, context.TraceId);
        Assert.Null(context.TraceState);
    }

    [Fact]
    public void ExtractContext_ReturnsTheDebugRootRequest_WhenNoFormatGaveAParent()
    {
        var carrier = new HeaderCarrier(("jaeger-debug-id", "x"));
        var composite = Create("tracecontext", "jaeger");

        var request = composite.ExtractContext(carrier, HeaderCarrier.Getter);

        Assert.True(DebugSampling.IsRootRequest(request));
        Assert.True(DebugSampling.TryRead(request.TraceState, out _, out var debugId));
        Assert.Equal("x", debugId);
        Assert.Equal(default, composite.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext); // no parent for an OpenTelemetry caller
    }

    [Fact]
    public void Inject_WritesEveryConfiguredFormat()
    {
        var context = new ActivityContext(s_w3cTrace, s_span, ActivityTraceFlags.Recorded);
        var baggage = Baggage.Create(new Dictionary<string, string> { ["k"] = "v" });
        var carrier = new HeaderCarrier();

        Create("tracecontext", "baggage", "b3", "b3multi", "jaeger").Inject(new PropagationContext(context, baggage), carrier, HeaderCarrier.Setter);

        Assert.Equal($"00-{s_w3cTrace.ToHexString()}-{s_span.ToHexString()}-01", carrier["traceparent"]);
        Assert.Equal("k=v", carrier["baggage"]);
        Assert.Equal($"{s_w3cTrace.ToHexString()}-{s_span.ToHexString()}-1", carrier["b3"]);
        Assert.Equal(s_w3cTrace.ToHexString(), carrier["X-B3-TraceId"]);
        Assert.Equal($"{s_w3cTrace.ToHexString()}:{s_span.ToHexString()}:0:1", carrier["uber-trace-id"]);
        Assert.Equal("v", carrier["uberctx-k"]);
    }

    [Fact]
    public void None_ExtractsAndInjectsNothing()
    {
        var composite = Create("none");
        var carrier = BothFormats();

        Assert.Equal(default, composite.Extract(default, carrier, HeaderCarrier.Getter).ActivityContext);
        var output = new HeaderCarrier();
        composite.Inject(new PropagationContext(new ActivityContext(s_w3cTrace, s_span, ActivityTraceFlags.Recorded), default), output, HeaderCarrier.Setter);
        Assert.Equal(0, output.Count);
        Assert.Empty(composite.Fields);
    }

    [Fact]
    public void Factory_IgnoresRepeatedNames_AndCase()
    {
        var composite = Create("TraceContext", "tracecontext", " b3 ");

        Assert.Equal(["tracecontext", "b3"], composite.Names);
    }

    [Fact]
    public void Extract_ContainsAThrowingGetter()
    {
        var composite = Create("tracecontext", "baggage");

        var result = composite.Extract(default, new object(), (_, _) => throw new InvalidOperationException("boom"));

        Assert.Equal(default, result.ActivityContext);
    }

    private static HeaderCarrier BothFormats() => new(
        ("traceparent", $"00-{s_w3cTrace.ToHexString()}-{s_span.ToHexString()}-01"),
        ("b3", $"{s_b3Trace.ToHexString()}-{s_span.ToHexString()}-1"));

    private static CompositeFormat Create(params string[] names) => PropagatorFactory.Create(names, PropagationDiagnostics.Unmetered);
}

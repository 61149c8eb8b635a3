using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Tests.Propagation;

public sealed class TracingDistributedContextPropagatorTests
{
    private static readonly DistributedContextPropagator.PropagatorGetterCallback s_headerGetter =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            // As ASP.NET Core hosting reads: one string, several values joined by commas.
            values = null;
            value = ((IHeaderDictionary)carrier!)[name];
        };

    [Fact]
    public void ExtractTraceIdAndState_GivesAW3CTraceparent_WhateverTheFormat()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var headers = new HeaderDictionary { ["uber-trace-id"] = $"{traceId.ToHexString()}:{spanId.ToHexString()}:0:1" };

        Create("jaeger").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out var tracestate);

        Assert.Equal($"00-{traceId.ToHexString()}-{spanId.ToHexString()}-01", traceparent);
        Assert.Null(tracestate);
        Assert.True(ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parsed));
        Assert.Equal(traceId, parsed.TraceId);
    }

    [Fact]
    public void ExtractTraceIdAndState_PassesTracestateOn()
    {
        var headers = new HeaderDictionary
        {
            ["traceparent"] = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00",
            ["tracestate"] = "a=1",
        };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out var tracestate);

        Assert.EndsWith("-00", traceparent);
        Assert.Equal("a=1", tracestate);
    }

    [Fact]
    public void ExtractTraceIdAndState_HandsBackTheCallersCanonicalTraceparent_Itself()
    {
        var sent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var headers = new HeaderDictionary { ["traceparent"] = sent };

        Create("tracecontext", "b3").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out _);

        Assert.Same(sent, traceparent); // not formatted again
    }

    [Theory]
    [InlineData("01-{0}-{1}-01", "00-{0}-{1}-01")] // a later version, read as 00
    [InlineData("00-{0}-{1}-03", "00-{0}-{1}-01")] // flags beyond sampled are not handed on
    [InlineData("01-{0}-{1}-01-extra", "00-{0}-{1}-01")] // a later version's extra field
    public void ExtractTraceIdAndState_FormatsTheTraceparent_WhenTheCallersIsNotCanonical(string sentForm, string expectedForm)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        var headers = new HeaderDictionary { ["traceparent"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, sentForm, traceId, spanId) };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out _);

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expectedForm, traceId, spanId), traceparent);
    }

    [Theory]
    [InlineData("00-{0}-{1}-01", true)] // upper-case ids: not W3C (lower-case hex only)
    [InlineData("00-00000000000000000000000000000000-{1}-01", false)] // all-zero trace id
    [InlineData("00-{0}-0000000000000000-01", false)] // all-zero parent id
    [InlineData("00-{0}-{1}-0x", false)] // flags not hex
    [InlineData("00_{0}-{1}-01", false)] // wrong delimiter
    public void ExtractTraceIdAndState_GivesNoTraceparent_ForAnInvalidOneOfCanonicalLength(string sentForm, bool upperCase)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        var sent = string.Format(System.Globalization.CultureInfo.InvariantCulture, sentForm, traceId, spanId);
        var headers = new HeaderDictionary { ["traceparent"] = upperCase ? sent.ToUpperInvariant() : sent, ["tracestate"] = "a=1" };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out var tracestate);

        Assert.Null(traceparent);
        Assert.Null(tracestate);
    }

    [Fact]
    public void ExtractTraceIdAndState_GivesNoTraceparent_WhenTwoAreSent()
    {
        var one = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var other = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var headers = new HeaderDictionary { ["traceparent"] = new StringValues([one, other]) };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out _);

        Assert.Null(traceparent);
    }

    [Fact]
    public void ExtractTraceIdAndState_KeepsACanonicalTraceparent_AndDropsAMalformedTracestate()
    {
        var sent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var headers = new HeaderDictionary { ["traceparent"] = sent, ["tracestate"] = "not a member" };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out var tracestate);

        Assert.Same(sent, traceparent);
        Assert.Null(tracestate);
    }

    [Fact]
    public void ExtractTraceIdAndState_FormatsTheTraceparent_WhenAnotherFormatGaveTheContext()
    {
        // jaeger is read first and wins: the traceparent the caller also sent names another span.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var jaegerSpan = ActivitySpanId.CreateRandom().ToHexString();
        var headers = new HeaderDictionary
        {
            ["uber-trace-id"] = $"{traceId}:{jaegerSpan}:0:1",
            ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01",
        };

        Create("jaeger", "tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out _);

        Assert.Equal($"00-{traceId}-{jaegerSpan}-01", traceparent);
    }

    [Theory]
    [InlineData("b3")]
    [InlineData("b3multi")]
    public void ExtractTraceIdAndState_CarriesB3Defer_ThroughTheStringsHostingParses(string format)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        var headers = format == "b3"
            ? new HeaderDictionary { ["b3"] = $"{traceId}-{spanId}" }
            : new HeaderDictionary { ["X-B3-TraceId"] = traceId, ["X-B3-SpanId"] = spanId };

        Create(format).ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out var tracestate);

        // What ASP.NET Core hosting does with the two strings: the parent it hands the sampler is deferred.
        Assert.Equal($"00-{traceId}-{spanId}-00", traceparent);
        Assert.True(ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parent));
        Assert.True(DeferredSampling.IsDeferred(parent));
    }

    [Fact]
    public void Inject_NeverWritesTheDeferredMark_OfASpanUnderADeferredParent()
    {
        using var span = new Activity("dropped").SetIdFormat(ActivityIdFormat.W3C).Start();
        span.TraceStateString = DeferredSampling.TraceState;
        var headers = new Dictionary<string, string>();

        Create("tracecontext", "b3").Inject(span, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);

        Assert.False(headers.ContainsKey("tracestate"));
        Assert.EndsWith("-0", headers["b3"]); // the span's sampler decided: the decision is sent
    }

    [Fact]
    public void ExtractTraceIdAndState_GivesNothing_ForDuplicatedTraceparent()
    {
        var value = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var headers = new HeaderDictionary { ["traceparent"] = new[] { value, value } };

        Create("tracecontext").ExtractTraceIdAndState(headers, s_headerGetter, out var traceparent, out _);

        Assert.Null(traceparent);
    }

    [Fact]
    public void ExtractBaggage_ReadsW3CAndJaegerBaggage_FromRequestHeaders()
    {
        var headers = new HeaderDictionary { ["baggage"] = "a=1", ["uberctx-b"] = "2" };

        var baggage = Create("baggage", "jaeger").ExtractBaggage(headers, s_headerGetter);

        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" }, baggage!.ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public void Inject_NeverOverwritesAHeaderTheCallerSet_NorWritesOneTwice()
    {
        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        request.Headers.TryAddWithoutValidation("traceparent", "set-by-caller");
        var propagator = Create("tracecontext", "b3");

        propagator.Inject(activity, request, static (carrier, name, value) => ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value));
        // A retry or redirect injects again into the same request.
        propagator.Inject(activity, request, static (carrier, name, value) => ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value));

        Assert.Equal(["set-by-caller"], request.Headers.GetValues("traceparent"));
        Assert.Single(request.Headers.GetValues("b3"));
    }

    [Fact]
    public void Inject_DeduplicatesWithinOneCall_ForACarrierItCannotInspect()
    {
        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();
        var written = new List<string>();

        // b3 and b3multi both configured: distinct names, each written once.
        Create("b3", "b3multi", "b3").Inject(activity, new object(), (_, name, _) => written.Add(name));

        Assert.Equal(written.Count, written.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("b3", written);
        Assert.Contains("X-B3-TraceId", written);
    }

    [Fact]
    public void Inject_CarriesActivityBaggage()
    {
        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).AddBaggage("user", "alice").Start();
        var headers = new Dictionary<string, string>();

        Create("tracecontext", "baggage").Inject(activity, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);

        Assert.Equal("user=alice", headers["baggage"]);
        Assert.Equal(["traceparent", "baggage"], headers.Keys);
    }

    [Fact]
    public void Fields_AreTheConfiguredFormatsHeaders()
    {
        Assert.Equal(["b3"], Create("b3").Fields);
        Assert.Contains("traceparent", Create("tracecontext", "baggage").Fields);
        Assert.Contains("baggage", Create("tracecontext", "baggage").Fields);
    }

    private static DistributedContextPropagator Create(params string[] names) =>
        new TracingPropagators(names, PropagationDiagnostics.Unmetered).DistributedPropagator;
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Benchmarks.Propagation;

/// <summary>
/// Extracting a context from request headers, per format, beside OpenTelemetry's
/// <see cref="TraceContextPropagator"/> (baseline). The getter hands out cached arrays, so what is
/// measured is the parsing and what it allocates.
/// </summary>
[MemoryDiagnoser]
public class ExtractBenchmarks
{
    private static readonly Func<Dictionary<string, string[]>, string, IEnumerable<string>?> s_getter =
        static (headers, name) => headers.TryGetValue(name, out var values) ? values : null;

    private readonly TraceContextPropagator _openTelemetry = new();
    private readonly TraceContextFormat _traceContext = new(PropagationDiagnostics.Unmetered);
    private readonly B3SingleFormat _b3 = new(PropagationDiagnostics.Unmetered);
    private readonly B3MultiFormat _b3Multi = new(PropagationDiagnostics.Unmetered);
    private readonly JaegerFormat _jaeger = new(PropagationDiagnostics.Unmetered);
    private readonly BaggageFormat _baggage = new(PropagationDiagnostics.Unmetered);
    private readonly Dictionary<string, string[]> _w3c = new(StringComparer.OrdinalIgnoreCase)
    {
        ["traceparent"] = ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
    };

    // The W3C specification's own example of two vendors' members.
    private readonly Dictionary<string, string[]> _w3cWithState = new(StringComparer.OrdinalIgnoreCase)
    {
        ["traceparent"] = ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
        ["tracestate"] = ["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"],
    };

    private readonly Dictionary<string, string[]> _baggageHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["baggage"] = ["userId=alice,serverNode=DF%2028,isProduction=false"],
    };

    private readonly Dictionary<string, string[]> _b3Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = ["0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1"],
    };

    private readonly Dictionary<string, string[]> _b3MultiHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["X-B3-TraceId"] = ["0af7651916cd43dd8448eb211c80319c"],
        ["X-B3-SpanId"] = ["b7ad6b7169203331"],
        ["X-B3-Sampled"] = ["1"],
    };

    // No sampling state: the receiver decides (B3 "defer").
    private readonly Dictionary<string, string[]> _b3Deferred = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = ["0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"],
    };

    private readonly Dictionary<string, string[]> _b3MultiDeferred = new(StringComparer.OrdinalIgnoreCase)
    {
        ["X-B3-TraceId"] = ["0af7651916cd43dd8448eb211c80319c"],
        ["X-B3-SpanId"] = ["b7ad6b7169203331"],
    };

    private readonly Dictionary<string, string[]> _jaegerHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["uber-trace-id"] = ["0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1"],
    };

    private readonly ListedHeaders _jaegerWithBaggage = new()
    {
        ["uber-trace-id"] = ["0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1"],
        ["uberctx-userId"] = ["alice"],
        ["uberctx-serverNode"] = ["DF%2028"],
        ["uberctx-isProduction"] = ["false"],
    };

    [Benchmark(Baseline = true, Description = "OpenTelemetry TraceContextPropagator")]
    public ActivityContext OpenTelemetryTraceContext() => _openTelemetry.Extract(default, _w3c, s_getter).ActivityContext;

    [Benchmark(Description = "tracecontext")]
    public ActivityContext TraceContext() => _traceContext.Extract(default, _w3c, s_getter).ActivityContext;

    [Benchmark(Description = "OpenTelemetry TraceContextPropagator + tracestate")]
    public ActivityContext OpenTelemetryTraceContextWithState() => _openTelemetry.Extract(default, _w3cWithState, s_getter).ActivityContext;

    [Benchmark(Description = "tracecontext + tracestate")]
    public ActivityContext TraceContextWithState() => _traceContext.Extract(default, _w3cWithState, s_getter).ActivityContext;

    [Benchmark(Description = "baggage (3 members)")]
    public int Baggage() => _baggage.Extract(default, _baggageHeaders, s_getter).Baggage.Count;

    [Benchmark(Description = "b3 (single)")]
    public ActivityContext B3() => _b3.Extract(default, _b3Headers, s_getter).ActivityContext;

    [Benchmark(Description = "b3multi")]
    public ActivityContext B3Multi() => _b3Multi.Extract(default, _b3MultiHeaders, s_getter).ActivityContext;

    [Benchmark(Description = "b3 (single, deferred)")]
    public ActivityContext B3Deferred() => _b3.Extract(default, _b3Deferred, s_getter).ActivityContext;

    [Benchmark(Description = "b3multi (deferred)")]
    public ActivityContext B3MultiDeferred() => _b3Multi.Extract(default, _b3MultiDeferred, s_getter).ActivityContext;

    [Benchmark(Description = "jaeger")]
    public ActivityContext Jaeger() => _jaeger.Extract(default, _jaegerHeaders, s_getter).ActivityContext;

    [Benchmark(Description = "jaeger + 3 uberctx")]
    public int JaegerWithBaggage() => _jaeger.Extract(default, _jaegerWithBaggage, ListedHeaders.Getter).Baggage.Count;

    /// <summary>Headers whose names can be listed, as Jaeger's <c>uberctx-{key}</c> baggage needs (ASP.NET Core's headers are).</summary>
    public sealed class ListedHeaders : Dictionary<string, string[]>, ICarrierKeys
    {
        public static readonly Func<ListedHeaders, string, IEnumerable<string>?> Getter =
            static (headers, name) => headers.TryGetValue(name, out var values) ? values : null;

        public ListedHeaders()
            : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        IEnumerable<string>? ICarrierKeys.Keys => Keys;
    }
}

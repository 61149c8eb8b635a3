using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Benchmarks.Propagation;

/// <summary>
/// Injecting a context into a header dictionary, per format, beside OpenTelemetry's
/// <see cref="TraceContextPropagator"/> (baseline). The dictionary is reused: what is measured is
/// formatting the values.
/// </summary>
[MemoryDiagnoser]
public class InjectBenchmarks
{
    private static readonly Action<Dictionary<string, string>, string, string> s_setter = static (headers, name, value) => headers[name] = value;

    private readonly TraceContextPropagator _openTelemetry = new();
    private readonly TraceContextFormat _traceContext = new(PropagationDiagnostics.Unmetered);
    private readonly B3SingleFormat _b3 = new(PropagationDiagnostics.Unmetered);
    private readonly B3MultiFormat _b3Multi = new(PropagationDiagnostics.Unmetered);
    private readonly JaegerFormat _jaeger = new(PropagationDiagnostics.Unmetered);
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly PropagationContext _context = new(
        new ActivityContext(
            ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
            ActivitySpanId.CreateFromString("b7ad6b7169203331"),
            ActivityTraceFlags.Recorded),
        default);

    private readonly PropagationContext _contextWithState = new(
        new ActivityContext(
            ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
            ActivitySpanId.CreateFromString("b7ad6b7169203331"),
            ActivityTraceFlags.Recorded,
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
        default);

    [Benchmark(Baseline = true, Description = "OpenTelemetry TraceContextPropagator")]
    public int OpenTelemetryTraceContext()
    {
        _openTelemetry.Inject(_context, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "tracecontext")]
    public int TraceContext()
    {
        _traceContext.Inject(_context, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "OpenTelemetry TraceContextPropagator + tracestate")]
    public int OpenTelemetryTraceContextWithState()
    {
        _openTelemetry.Inject(_contextWithState, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "tracecontext + tracestate")]
    public int TraceContextWithState()
    {
        _traceContext.Inject(_contextWithState, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "b3 (single)")]
    public int B3()
    {
        _b3.Inject(_context, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "b3multi")]
    public int B3Multi()
    {
        _b3Multi.Inject(_context, _headers, s_setter);
        return _headers.Count;
    }

    [Benchmark(Description = "jaeger")]
    public int Jaeger()
    {
        _jaeger.Inject(_context, _headers, s_setter);
        return _headers.Count;
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Benchmarks.Propagation;

/// <summary>
/// The configured set seen as .NET's <see cref="DistributedContextPropagator"/> (what HttpClient injects
/// with and ASP.NET Core hosting extracts with), <c>tracecontext</c> + <c>baggage</c>, beside .NET's own
/// W3C propagator (baseline). Inject: a span's context into a header dictionary the setter writes (reused,
/// emptied first); extract: hosting's <c>ExtractTraceIdAndState</c> from a dictionary the getter reads.
/// The header values themselves (<c>traceparent</c> written, <c>traceparent</c> handed to hosting) are the
/// allocation both must make.
/// </summary>
[MemoryDiagnoser]
public class BridgeBenchmarks
{
    private static readonly DistributedContextPropagator.PropagatorSetterCallback s_setter = static (carrier, name, value) =>
        ((Dictionary<string, string>)carrier!)[name] = value;

    private static readonly DistributedContextPropagator.PropagatorGetterCallback s_getter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
    {
        values = null;
        ((Dictionary<string, string>)carrier!).TryGetValue(name, out value);
    };

    private readonly DistributedContextPropagator _dotnet = DistributedContextPropagator.CreateW3CPropagator();
    private readonly DistributedContextPropagator _bridge =
        new TracingDistributedContextPropagator(new CompositeFormat([new TraceContextFormat(PropagationDiagnostics.Unmetered), new BaggageFormat(PropagationDiagnostics.Unmetered)]));

    private readonly Dictionary<string, string> _written = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _incoming = new(StringComparer.OrdinalIgnoreCase)
    {
        ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    // A bridge for a mixed estate (W3C first, then B3) and a B3 caller: the context is not W3C's, so
    // every format is asked and the traceparent hosting parses is formatted.
    private readonly DistributedContextPropagator _mixedBridge =
        new TracingDistributedContextPropagator(new CompositeFormat([
            new TraceContextFormat(PropagationDiagnostics.Unmetered), new B3SingleFormat(PropagationDiagnostics.Unmetered), new BaggageFormat(PropagationDiagnostics.Unmetered)]));

    private readonly Dictionary<string, string> _incomingB3 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
    };

    private Activity _span = null!;

    [GlobalSetup]
    public void Setup()
    {
        _span = new Activity("bench");
        _span.SetParentId(ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), ActivitySpanId.CreateFromString("b7ad6b7169203331"), ActivityTraceFlags.Recorded);
        _span.Start();
        Activity.Current = null;
    }

    [GlobalCleanup]
    public void Cleanup() => _span.Dispose();

    [Benchmark(Baseline = true, Description = "inject: .NET W3C propagator")]
    public int InjectDotNet()
    {
        _written.Clear();
        _dotnet.Inject(_span, _written, s_setter);
        return _written.Count;
    }

    [Benchmark(Description = "inject: AddTracing's bridge")]
    public int InjectBridge()
    {
        _written.Clear();
        _bridge.Inject(_span, _written, s_setter);
        return _written.Count;
    }

    [Benchmark(Description = "extract: .NET W3C propagator")]
    public string? ExtractDotNet()
    {
        _dotnet.ExtractTraceIdAndState(_incoming, s_getter, out var traceId, out _);
        return traceId;
    }

    [Benchmark(Description = "extract: AddTracing's bridge")]
    public string? ExtractBridge()
    {
        _bridge.ExtractTraceIdAndState(_incoming, s_getter, out var traceId, out _);
        return traceId;
    }

    [Benchmark(Description = "extract: AddTracing's bridge, B3 caller (tracecontext,b3,baggage)")]
    public string? ExtractBridgeB3()
    {
        _mixedBridge.ExtractTraceIdAndState(_incomingB3, s_getter, out var traceId, out _);
        return traceId;
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Http;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// The per-span work AddTracing adds to OpenTelemetry's span path, each part alone, for the two spans of
/// <see cref="SpanPipelineBenchmarks"/> that are kept (a root under <c>const 1</c>, a child under a sampled
/// local parent): the provider's sampler (host scope, debug and late-binding checks, the sampler-tag
/// hand-off) against OpenTelemetry's <c>ParentBased(AlwaysOn)</c>; the first processor's host filter as a
/// span starts and ends; the hand-off's check as the span starts (a root with no tags waiting, and a
/// child of a local parent); and the HttpClient span processor's two calls for a span that is not
/// HttpClient's. The parts are
/// nanoseconds each, too small for the whole-pipeline comparison to separate on a shared machine; they
/// add up to what AddTracing spends beyond OpenTelemetry on a span, apart from the root's two tags.
/// </summary>
public class SpanPathPartsBenchmarks
{
    private Sampler _openTelemetry = null!;
    private Sampler _addTracing = null!;
    private SamplingParameters _root;
    private SamplingParameters _child;
    private HostSpanFilter _filter = null!;
    private HttpClientSpanProcessor _httpClient = null!;
    private ActivitySource _source = null!;
    private Activity _rootSpan = null!;
    private Activity _childSpan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Bench.Parts");
        _filter = new HostSpanFilter(hostingSource: null, new SourceMatcher([_source.Name]));
        _openTelemetry = new ParentBasedSampler(new AlwaysOnSampler());
        _addTracing = new HostScopedSampler(new TracingSampler(new ConstSampler(true), parentBased: true), _filter);
        _httpClient = HttpClientSpanProcessorFactory.Create(new TracingOptions(), new OtelEnvironment());

        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        _root = new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET /orders/{id}", ActivityKind.Server);
        _child = new SamplingParameters(parent, parent.TraceId, "GET /orders/{id}", ActivityKind.Server);

        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        Activity.Current = null;
        _rootSpan = _source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
        _childSpan = _source.StartActivity("SELECT orders", ActivityKind.Client)!;
        _childSpan.Stop();
        _rootSpan.Stop();
        Activity.Current = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _httpClient.Dispose();
        _filter.Dispose();
        _source.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry ParentBased(AlwaysOn), root")]
    public SamplingDecision OpenTelemetrySamplerRoot() => _openTelemetry.ShouldSample(_root).Decision;

    [Benchmark(Description = "AddTracing sampler (const 1), root, tags handed off")]
    public SamplingDecision AddTracingSamplerRoot() => _addTracing.ShouldSample(_root).Decision;

    [Benchmark(Description = "OpenTelemetry ParentBased(AlwaysOn), child")]
    public SamplingDecision OpenTelemetrySamplerChild() => _openTelemetry.ShouldSample(_child).Decision;

    [Benchmark(Description = "AddTracing sampler (const 1), child")]
    public SamplingDecision AddTracingSamplerChild() => _addTracing.ShouldSample(_child).Decision;

    [Benchmark(Description = "host filter, start and end (one host), root")]
    public bool HostFilterRoot() => _filter.Owns(_rootSpan) & _filter.Owns(_rootSpan);

    [Benchmark(Description = "host filter, start and end (one host), child")]
    public bool HostFilterChild() => _filter.Owns(_childSpan) & _filter.Owns(_childSpan);

    [Benchmark(Description = "sampler-tag hand-off at start, root, nothing waiting")]
    public void HandOffRoot() => SamplerTagHandOff.Apply(_rootSpan);

    [Benchmark(Description = "sampler-tag hand-off at start, child of a local parent")]
    public void HandOffChild() => SamplerTagHandOff.Apply(_childSpan);

    [Benchmark(Description = "HttpClient span processor, start and end, another source's span")]
    public void HttpClientProcessorTwice()
    {
        _httpClient.OnStart(_childSpan);
        _httpClient.OnEnd(_childSpan);
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// A span started and stopped through AddTracing's provider against raw OpenTelemetry with the same
/// sampler and the same export processor (OpenTelemetry's batch processor, discarding exporter) — the
/// comparison of issue 15. <c>kept root</c>: <c>const 1</c> against <c>ParentBased(AlwaysOn)</c> (every
/// root kept, and AddTracing's carries <c>sampler.type</c>/<c>sampler.param</c>); <c>unsampled root</c>:
/// <c>const 0</c> against <c>ParentBased(AlwaysOff)</c>; <c>child</c>: a span under a sampled local parent
/// (given as its parent context), <c>const 1</c> against <c>ParentBased(AlwaysOn)</c>.
/// <para>
/// A third column, <c>raw OpenTelemetry + the two sampler tags</c>, is raw OpenTelemetry with one
/// processor of its own that adds the same <c>sampler.type</c>/<c>sampler.param</c> (already boxed
/// values) to each root span in <c>OnStart</c>: the least any SDK on OpenTelemetry 1.20 pays for
/// putting those two tags on a kept root (.NET's Activity keeps tags in a linked list, a list object and
/// one node per tag), so that what AddTracing costs beyond the tags themselves can be read off.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class SpanPipelineBenchmarks
{
    private IHost _host = null!;
    private TracerProvider _raw = null!;
    private TracerProvider _rawWithTags = null!;
    private ActivitySource _rawWithTagsSource = null!;
    private ActivityContext _rawWithTagsParentContext;
    private Activity? _rawWithTagsParent;
    private ActivitySource _tracedSource = null!;
    private ActivitySource _rawSource = null!;
    private Activity? _tracedParent;
    private Activity? _rawParent;
    private ActivityContext _tracedParentContext;
    private ActivityContext _rawParentContext;

    [Params("kept root", "unsampled root", "child")]
    public string Span { get; set; } = "kept root";

    [GlobalSetup]
    public void Setup()
    {
        var id = Guid.NewGuid().ToString("N");
        _tracedSource = new ActivitySource($"Bench.Traced.{id}");
        _rawSource = new ActivitySource($"Bench.Raw.{id}");
        _rawWithTagsSource = new ActivitySource($"Bench.RawTags.{id}");
        var keep = Span != "unsampled root";

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddTracing(options =>
        {
            options.ServiceName = "bench";
            options.Exporters = ["none"];
            options.Sources.Add(_tracedSource.Name);
            options.Sampler.Type = "const";
            options.Sampler.Param = keep ? 1 : 0;
        });
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(TracingSetup.DiscardingBatch()));
        _host = builder.Build();
        _host.Start();

        _raw = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(_rawSource.Name)
            .SetSampler(new ParentBasedSampler(keep ? new AlwaysOnSampler() : new AlwaysOffSampler()))
            .AddProcessor(TracingSetup.DiscardingBatch())
            .Build()!;

        _rawWithTags = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(_rawWithTagsSource.Name)
            .SetSampler(new ParentBasedSampler(keep ? new AlwaysOnSampler() : new AlwaysOffSampler()))
            .AddProcessor(new RootSamplerTagsProcessor())
            .AddProcessor(TracingSetup.DiscardingBatch())
            .Build()!;

        if (Span == "child")
        {
            _tracedParent = _tracedSource.StartActivity("parent", ActivityKind.Server);
            _rawParent = _rawSource.StartActivity("parent", ActivityKind.Server);
            _rawWithTagsParent = _rawWithTagsSource.StartActivity("parent", ActivityKind.Server);
            Activity.Current = null;
            _rawWithTagsParentContext = _rawWithTagsParent!.Context;
            _tracedParentContext = _tracedParent!.Context;
            _rawParentContext = _rawParent!.Context;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracedParent?.Dispose();
        _rawParent?.Dispose();
        _rawWithTagsParent?.Dispose();
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _raw.Dispose();
        _rawWithTags.Dispose();
        _rawWithTagsSource.Dispose();
        _tracedSource.Dispose();
        _rawSource.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw OpenTelemetry, same sampler and export processor")]
    public void RawOpenTelemetry()
    {
        using var activity = _rawSource.StartActivity("GET /orders/{id}", ActivityKind.Server, _rawParentContext);
    }

    [Benchmark(Description = "raw OpenTelemetry + the two sampler tags")]
    public void RawOpenTelemetryWithSamplerTags()
    {
        using var activity = _rawWithTagsSource.StartActivity("GET /orders/{id}", ActivityKind.Server, _rawWithTagsParentContext);
    }

    [Benchmark(Description = "AddTracing")]
    public void AddTracing()
    {
        using var activity = _tracedSource.StartActivity("GET /orders/{id}", ActivityKind.Server, _tracedParentContext);
    }

    /// <summary>Adds <c>sampler.type</c>/<c>sampler.param</c> (<c>const</c>, <c>1</c>) to every root span, as AddTracing does.</summary>
    private sealed class RootSamplerTagsProcessor : BaseProcessor<Activity>
    {
        private static readonly object s_type = "const";
        private static readonly object s_param = 1.0;

        public override void OnStart(Activity data)
        {
            if (data.ParentSpanId == default)
            {
                data.AddTag("sampler.type", s_type);
                data.AddTag("sampler.param", s_param);
            }
        }
    }
}

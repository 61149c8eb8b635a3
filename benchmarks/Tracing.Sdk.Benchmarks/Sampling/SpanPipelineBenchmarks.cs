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
/// </summary>
[MemoryDiagnoser]
public class SpanPipelineBenchmarks
{
    private IHost _host = null!;
    private TracerProvider _raw = null!;
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

        if (Span == "child")
        {
            _tracedParent = _tracedSource.StartActivity("parent", ActivityKind.Server);
            _rawParent = _rawSource.StartActivity("parent", ActivityKind.Server);
            Activity.Current = null;
            _tracedParentContext = _tracedParent!.Context;
            _rawParentContext = _rawParent!.Context;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracedParent?.Dispose();
        _rawParent?.Dispose();
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _raw.Dispose();
        _tracedSource.Dispose();
        _rawSource.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw OpenTelemetry, same sampler and export processor")]
    public void RawOpenTelemetry()
    {
        using var activity = _rawSource.StartActivity("GET /orders/{id}", ActivityKind.Server, _rawParentContext);
    }

    [Benchmark(Description = "AddTracing")]
    public void AddTracing()
    {
        using var activity = _tracedSource.StartActivity("GET /orders/{id}", ActivityKind.Server, _tracedParentContext);
    }
}

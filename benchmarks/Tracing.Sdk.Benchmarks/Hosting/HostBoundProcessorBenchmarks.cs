using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Benchmarks.Support;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Benchmarks.Hosting;

/// <summary>
/// Cost of the per-host span filter that AddTracing puts in front of its processors, on a span
/// started and stopped under a parent, against raw OpenTelemetry with the same batch processor.
/// </summary>
[MemoryDiagnoser]
public class HostBoundProcessorBenchmarks
{
    private ActivitySource _source = null!;
    private TracerProvider _provider = null!;
    private Activity _parent = null!;
    private HostSpanFilter? _filter;
    private HostSpanFilter? _otherHost;

    [Params("raw OpenTelemetry", "AddTracing, one host", "AddTracing, two hosts")]
    public string Pipeline { get; set; } = "raw OpenTelemetry";

    [GlobalSetup]
    public void Setup()
    {
        var name = $"Bench.{Guid.NewGuid():N}";
        _source = new ActivitySource(name);
        var batch = new BatchActivityExportProcessor(new DiscardingExporter(), maxQueueSize: 1 << 16, scheduledDelayMilliseconds: 100, exporterTimeoutMilliseconds: 30000, maxExportBatchSize: 4096);
        var builder = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(name).SetSampler(new AlwaysOnSampler());
        if (Pipeline == "raw OpenTelemetry")
        {
            builder.AddProcessor(batch);
        }
        else
        {
            _filter = new HostSpanFilter(null, new SourceMatcher([name]));
            if (Pipeline.EndsWith("two hosts", StringComparison.Ordinal))
            {
                _otherHost = new HostSpanFilter(null, new SourceMatcher(["Other.*"]));
            }

            builder.AddProcessor(new HostBoundProcessor(_filter, [batch]));
        }

        _provider = builder.Build()!;
        _parent = _source.StartActivity("parent")!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _parent.Dispose();
        _provider.Dispose();
        _filter?.Dispose();
        _otherHost?.Dispose();
        _source.Dispose();
    }

    [Benchmark]
    public void StartStopChildSpan()
    {
        using var activity = _source.StartActivity("child");
        activity?.SetTag("k", "v");
    }
}

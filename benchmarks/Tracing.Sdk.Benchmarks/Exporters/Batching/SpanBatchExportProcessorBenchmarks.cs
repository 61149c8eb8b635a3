using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Benchmarks.Exporters.Batching;

/// <summary>
/// What ending a span costs the application thread in the SDK's batch processor (bounded lock-free
/// queue, exact accounting) against OpenTelemetry's <see cref="BatchActivityExportProcessor"/>, the
/// baseline it replaces: a span started and stopped through a provider, and the processor's own
/// <c>OnEnd</c> alone. The exporter discards; the queue is large enough never to be full.
/// </summary>
[MemoryDiagnoser]
public class SpanBatchExportProcessorBenchmarks
{
    private ActivitySource _source = null!;
    private TracerProvider _provider = null!;
    private BaseProcessor<Activity> _processor = null!;
    private TracingMetrics _metrics = null!;
    private Activity _ended = null!;

    [Params("OpenTelemetry BatchActivityExportProcessor", "SpanBatchExportProcessor")]
    public string Processor { get; set; } = "SpanBatchExportProcessor";

    [GlobalSetup]
    public void Setup()
    {
        var name = $"Bench.{Guid.NewGuid():N}";
        _source = new ActivitySource(name);
        _metrics = new TracingMetrics();
        var options = new BatchOptions { MaxQueueSize = 1 << 16, MaxExportBatchSize = 4096, ScheduledDelayMilliseconds = 100 };
        _processor = Processor.StartsWith("OpenTelemetry", StringComparison.Ordinal)
            ? new BatchActivityExportProcessor(new DiscardingExporter(), options.MaxQueueSize, options.ScheduledDelayMilliseconds, options.ExportTimeoutMilliseconds, options.MaxExportBatchSize)
            : new SpanBatchExportProcessor(new DiscardingExporter(), _metrics.ForExporter("bench"), options, TimeProvider.System);
        _provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddProcessor(_processor).Build()!;
        _ended = _source.StartActivity("ended")!;
        _ended.Stop();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _metrics.Dispose();
        _source.Dispose();
    }

    [Benchmark]
    public void StartStopSpan()
    {
        using var activity = _source.StartActivity("span");
        activity?.SetTag("k", "v");
    }

    [Benchmark]
    public void OnEnd() => _processor.OnEnd(_ended);

    private sealed class DiscardingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}

using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// Puts an exporter behind OpenTelemetry's <see cref="BatchActivityExportProcessor"/> with the
/// <see cref="BatchOptions"/> knobs, making what its full queue drops visible as a counter.
/// </summary>
internal static class BatchProcessorFactory
{
    // BatchExportProcessor<T>.DroppedCount is internal in OpenTelemetry 1.20; read it so that drops are
    // visible. If a later version renames it, drops are simply not observed (and a test says so).
    private static readonly Func<BatchExportProcessor<Activity>, long>? s_droppedCount = CreateDroppedCountReader();

    public static BatchActivityExportProcessor Create(BaseExporter<Activity> exporter, string name, BatchOptions batch, TracingMetrics metrics)
    {
        var processor = new BatchActivityExportProcessor(
            exporter,
            maxQueueSize: batch.MaxQueueSize,
            scheduledDelayMilliseconds: batch.ScheduledDelayMilliseconds,
            exporterTimeoutMilliseconds: batch.ExportTimeoutMilliseconds,
            maxExportBatchSize: batch.MaxExportBatchSize);

        if (s_droppedCount is { } read)
        {
            metrics.ObserveQueueDrops(name, () => read(processor));
        }

        return processor;
    }

    /// <summary>Spans the processor's full queue has dropped so far, if this OpenTelemetry version exposes it.</summary>
    public static long? DroppedCount(BatchExportProcessor<Activity> processor) => s_droppedCount?.Invoke(processor);

    private static Func<BatchExportProcessor<Activity>, long>? CreateDroppedCountReader()
    {
        var getter = typeof(BatchExportProcessor<Activity>)
            .GetProperty("DroppedCount", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?
            .GetGetMethod(nonPublic: true);
        return getter is not null && getter.ReturnType == typeof(long)
            ? getter.CreateDelegate<Func<BatchExportProcessor<Activity>, long>>()
            : null;
    }
}

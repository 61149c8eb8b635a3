using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// Puts an exporter behind the SDK's <see cref="SpanBatchExportProcessor"/> with the
/// <see cref="BatchOptions"/> knobs; its ledger (<see cref="TracingMetrics.ForExporter"/>) counts every span.
/// </summary>
internal static class BatchProcessorFactory
{
    public static SpanBatchExportProcessor Create(BaseExporter<Activity> exporter, string name, BatchOptions batch, TracingMetrics metrics) =>
        new(exporter, metrics.ForExporter(name), batch, metrics.TimeProvider);
}

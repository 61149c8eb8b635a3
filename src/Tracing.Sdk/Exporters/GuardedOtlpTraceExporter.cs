using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// OpenTelemetry's OTLP trace exporter, counting what it exports and how it went. A subclass rather
/// than a wrapper: the exporter takes its resource from the provider it is attached to, which a
/// wrapper would hide from it.
/// </summary>
internal sealed class MeteredOtlpTraceExporter(OtlpExporterOptions options, TracingMetrics metrics) : OtlpTraceExporter(options)
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        ExportResult result;
        try
        {
            result = base.Export(batch);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ExportFailed(ExporterNames.Otlp, ex.Message);
            result = ExportResult.Failure;
        }

        metrics.SpansExported(ExporterNames.Otlp, batch.Count, result == ExportResult.Success);
        return result;
    }
}

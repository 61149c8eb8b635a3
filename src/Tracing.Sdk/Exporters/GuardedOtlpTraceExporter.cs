using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// OpenTelemetry's OTLP trace exporter, turning anything it throws into a failed export (counted by
/// the batch processor like any other). A subclass rather than a wrapper: the exporter takes its
/// resource from the provider it is attached to, which a wrapper would hide from it.
/// </summary>
internal sealed class GuardedOtlpTraceExporter(OtlpExporterOptions options) : OtlpTraceExporter(options)
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        try
        {
            return base.Export(batch);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ExportFailed(ExporterNames.Otlp, ex.Message);
            return ExportResult.Failure;
        }
    }
}

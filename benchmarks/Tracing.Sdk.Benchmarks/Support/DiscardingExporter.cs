using System.Diagnostics;
using OpenTelemetry;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>An exporter that drops every batch: the export cost every pipeline pays at least, and no more.</summary>
internal sealed class DiscardingExporter : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
}

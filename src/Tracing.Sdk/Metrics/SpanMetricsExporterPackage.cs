namespace Tracing.Sdk.Metrics;

/// <summary>Registered in DI by a package of the SDK's that adds a span metrics exporter (<c>Tracing.Sdk.Prometheus</c>).</summary>
internal sealed class SpanMetricsExporterPackage(string exporter)
{
    public const string Prometheus = "prometheus";

    public string Exporter { get; } = exporter;
}

using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// Maps <c>OTEL_METRICS_EXPORTER</c> and <c>OTEL_METRIC_EXPORT_INTERVAL</c> (OpenTelemetry SDK environment
/// variables, "Exporter selection" and "Periodic exporting MetricReader") onto <see cref="SpanMetricsOptions"/>.
/// Both describe all of the app's metrics, so a value span metrics cannot use is reported only when span
/// metrics are on and the value was not overridden (<see cref="SpanMetricsOptionsValidation"/>).
/// </summary>
internal static class SpanMetricsEnvironment
{
    public const string MetricsExporter = "OTEL_METRICS_EXPORTER";
    public const string ExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string ExemplarFilter = "OTEL_METRICS_EXEMPLAR_FILTER";
    public const string OtlpMetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";

    public static void Apply(SpanMetricsOptions options, OtelEnvironment environment)
    {
        if (environment.GetList(MetricsExporter) is { } exporters)
        {
            options.Exporters = exporters;
            options.EnvironmentExporters = exporters;
        }

        if (environment.Get(ExportInterval) is { } text)
        {
            var errors = new List<string>();
            if (environment.TryGetInt(ExportInterval, errors, out var interval, min: 1))
            {
                options.ExportIntervalMilliseconds = interval;
            }
            else
            {
                options.EnvironmentIntervalError = errors.Count > 0 ? errors[0] : $"{ExportInterval}='{text}' is not valid.";
            }
        }
    }
}

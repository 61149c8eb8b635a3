using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// What span metrics add to the app's one <see cref="MeterProvider"/> (OpenTelemetry's hosting model,
/// <c>AddOpenTelemetry().WithMetrics()</c>): the span metrics meter, a cardinality limit above the
/// SDK's own series cap (so the overflow series is always this SDK's), the <c>trace_based</c> exemplar
/// filter, and the OTLP exporter when configured. The OTLP exporter stands aside when the app exports by
/// OTLP itself with <c>UseOtlpExporter()</c> (which covers metrics too), so nothing is sent twice.
/// </summary>
internal static class SpanMetricsPipeline
{
    public const string MetricsPath = "v1/metrics";

    public static void Configure(IServiceProvider services, MeterProviderBuilder builder, IServiceCollection registrations)
    {
        var options = services.GetRequiredService<IOptions<TracingOptions>>().Value;
        if (SpanMetricsSettings.From(options) is not { } settings)
        {
            return;
        }

        builder.AddMeter(SpanMetricNames.MeterName);
        builder.AddView(instrument => string.Equals(instrument.Meter.Name, SpanMetricNames.MeterName, StringComparison.Ordinal)
            ? new MetricStreamConfiguration { CardinalityLimit = settings.MaxSeries + 2 }
            : null);

        var environment = services.GetService<OtelEnvironment>() ?? new OtelEnvironment();
        if (settings.Exemplars && environment.Get(SpanMetricsEnvironment.ExemplarFilter) is null)
        {
            // OpenTelemetry .NET records no exemplars unless told; trace_based (the specification's default)
            // keeps only measurements made inside a sampled span.
            builder.SetExemplarFilter(ExemplarFilterType.TraceBased);
        }

        if (settings.Exporters.Contains("otlp")
            && !registrations.Any(static d => d.ServiceType.FullName == AppOtlpExporterDetector.UseOtlpExporterMarker))
        {
            builder.AddReader(new PeriodicExportingMetricReader(
                new OtlpMetricExporter(CreateOtlpOptions(options.Otlp, environment)),
                settings.ExportIntervalMilliseconds,
                options.Otlp.TimeoutMilliseconds));
        }
    }

    /// <summary>
    /// The traces' <c>Otlp</c> settings, pointed at the metrics signal: <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>
    /// as is when set; else the base endpoint, with <c>/v1/metrics</c> appended for HTTP/protobuf (OTLP
    /// exporter specification, "Endpoint URLs for OTLP/HTTP"). An endpoint that came from
    /// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is the traces' alone and is not used.
    /// </summary>
    public static OtlpExporterOptions CreateOtlpOptions(OtlpOptions otlp, OtelEnvironment environment)
    {
        var exporter = OtlpExporterFactory.CreateOptions(otlp);
        if (environment.Get(SpanMetricsEnvironment.OtlpMetricsEndpoint) is { } signalEndpoint)
        {
            exporter.Endpoint = new Uri(signalEndpoint);
            return exporter;
        }

        var httpProtobuf = exporter.Protocol == OtlpExportProtocol.HttpProtobuf;
        var endpoint = otlp.Endpoint is { } configured && !string.Equals(configured, otlp.SignalEndpointFromEnvironment, StringComparison.Ordinal)
            ? configured
            : environment.Get(OtelEnvironmentVariables.OtlpEndpoint) ?? (httpProtobuf ? "http://localhost:4318" : "http://localhost:4317");
        exporter.Endpoint = new Uri(httpProtobuf ? (endpoint.EndsWith('/') ? endpoint + MetricsPath : endpoint + "/" + MetricsPath) : endpoint);
        return exporter;
    }
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.Otlp;

namespace Tracing.Sdk.Exporters;

/// <summary>Creates OpenTelemetry's OTLP trace exporter from <see cref="OtlpOptions"/>.</summary>
internal static class OtlpExporterFactory
{
    public const string TracesPath = "v1/traces";

    /// <summary>
    /// The exporter, sending through <see cref="OtlpHttpClientFactory"/>'s client: <see cref="OtlpOptions.Retry"/>
    /// within a budget of <see cref="OtlpOptions.TimeoutMilliseconds"/>, at most <paramref name="exportTimeoutMilliseconds"/>.
    /// </summary>
    public static BaseExporter<Activity> Create(OtlpOptions options, TracingMetrics metrics, int exportTimeoutMilliseconds = int.MaxValue)
    {
        var exporterOptions = CreateOptions(options);
        var budget = TimeSpan.FromMilliseconds(Math.Min(options.TimeoutMilliseconds, exportTimeoutMilliseconds));
        exporterOptions.TimeoutMilliseconds = (int)budget.TotalMilliseconds;
        var mode = options.Retry;
        var transport = exporterOptions.HttpClientFactory; // OpenTelemetry's default, before it is replaced
        var maxResponseBytes = exporterOptions.MaxResponseSizeBytes;
        exporterOptions.HttpClientFactory = () =>
            OtlpHttpClientFactory.Create(transport, mode, budget, maxResponseBytes, metrics.TimeProvider, metrics.ForExporter(ExporterNames.Otlp));
        return new GuardedOtlpTraceExporter(exporterOptions);
    }

    public static OtlpExporterOptions CreateOptions(OtlpOptions options)
    {
        var protocol = IsHttpProtobuf(options.Protocol) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var exporterOptions = new OtlpExporterOptions
        {
            Protocol = protocol,
            Endpoint = ResolveEndpoint(options),
            TimeoutMilliseconds = options.TimeoutMilliseconds,
            Headers = options.Headers,
        };
        return exporterOptions;
    }

    /// <summary>
    /// The URL exports go to. A base endpoint gets <c>/v1/traces</c> appended for HTTP/protobuf (OTLP
    /// exporter specification, "Endpoint URLs for OTLP/HTTP"); the value of
    /// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is used as is; gRPC takes the base URL.
    /// </summary>
    public static Uri ResolveEndpoint(OtlpOptions options)
    {
        var httpProtobuf = IsHttpProtobuf(options.Protocol);
        var endpoint = options.Endpoint ?? (httpProtobuf ? "http://localhost:4318" : "http://localhost:4317");
        if (!httpProtobuf || string.Equals(endpoint, options.SignalEndpointFromEnvironment, StringComparison.Ordinal))
        {
            return new Uri(endpoint);
        }

        return new Uri(endpoint.EndsWith('/') ? endpoint + TracesPath : endpoint + "/" + TracesPath);
    }

    private static bool IsHttpProtobuf(string protocol) =>
        string.Equals(protocol.Trim(), OtlpProtocols.HttpProtobuf, StringComparison.OrdinalIgnoreCase);
}

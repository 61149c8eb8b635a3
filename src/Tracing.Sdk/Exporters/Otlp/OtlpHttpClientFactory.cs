using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The <see cref="HttpClient"/> given to OpenTelemetry's OTLP exporter (<c>OtlpExporterOptions.HttpClientFactory</c>,
/// which it uses for OTLP/gRPC and OTLP/HTTP alike): the retry stage in front of a socket handler, the
/// export budget as the client's timeout, responses bounded in size as OpenTelemetry's own client bounds them.
/// </summary>
internal static class OtlpHttpClientFactory
{
    /// <summary>OpenTelemetry's default response limit (the OTLP specification's recommended 4 MiB).</summary>
    public const int MaxResponseContentBufferSize = 4 * 1024 * 1024;

    public static HttpClient Create(OtlpRetryMode mode, TimeSpan budget, TimeProvider time, ExportAccounting accounting)
    {
        var transport = new SocketsHttpHandler
        {
            // A collector behind a DNS name that moves (a rolling deployment) is found again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };

        return new HttpClient(new OtlpRetryHandler(mode, budget, time, accounting, transport))
        {
            Timeout = budget,
            MaxResponseContentBufferSize = MaxResponseContentBufferSize,
        };
    }
}

using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The <see cref="HttpClient"/> given to OpenTelemetry's OTLP exporter (<c>OtlpExporterOptions.HttpClientFactory</c>,
/// which it uses for OTLP/gRPC and OTLP/HTTP alike): the retry stage in front of the client the exporter
/// would have made itself (its default factory), the export budget as the timeout.
/// </summary>
internal static class OtlpHttpClientFactory
{
    /// <param name="transport">OpenTelemetry's own client factory, which keeps its TLS, timeout and size settings.</param>
    /// <param name="mode">Whether transient failures are retried.</param>
    /// <param name="budget">One export's time, retries included.</param>
    /// <param name="maxResponseBytes">The largest response accepted (OpenTelemetry's <c>MaxResponseSizeBytes</c>).</param>
    /// <param name="time">The clock of the waits between attempts.</param>
    /// <param name="accounting">Where retries and failures are counted.</param>
    public static HttpClient Create(Func<HttpClient> transport, OtlpRetryMode mode, TimeSpan budget, int maxResponseBytes, TimeProvider time, ExportAccounting accounting) =>
        new(new OtlpRetryHandler(mode, budget, time, accounting, new HttpClientForwarder(transport()), maxResponseBytes))
        {
            Timeout = budget,
            MaxResponseContentBufferSize = maxResponseBytes,
        };
}

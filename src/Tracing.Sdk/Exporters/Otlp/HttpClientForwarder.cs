namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The end of the retry stage's pipeline: hands each attempt to the <see cref="HttpClient"/>
/// OpenTelemetry's exporter would have used on its own (its default client: the export timeout, the
/// response size limit, the TLS and mTLS settings of <c>OTEL_EXPORTER_OTLP_CERTIFICATE</c> and
/// <c>..._CLIENT_CERTIFICATE</c>/<c>..._CLIENT_KEY</c>), so that retrying changes nothing else.
/// An <see cref="HttpClient"/> sends a request message once: each attempt is a message of its own.
/// </summary>
internal sealed class HttpClientForwarder(HttpClient client) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            client.Dispose();
        }

        base.Dispose(disposing);
    }
}

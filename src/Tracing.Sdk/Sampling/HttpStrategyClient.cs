using System.Globalization;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Jaeger's HTTP sampling endpoint: <c>GET &lt;endpoint&gt;?service=&lt;service.name&gt;</c> (the agent's
/// <c>/sampling</c>, the collector's <c>/api/sampling</c>), answered with JSON.
/// </summary>
internal sealed class HttpStrategyClient : IRemoteStrategyClient
{
    private readonly HttpClient _client;

    public HttpStrategyClient(string endpoint, string serviceName)
    {
        Uri = BuildUri(endpoint, serviceName);
        _client = new HttpClient(new SocketsHttpHandler
        {
            // The poll is SDK plumbing, not application traffic: no traceparent/baggage on it.
            ActivityHeadersPropagator = null,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxAutomaticRedirections = 3,
        })
        {
            // The poller bounds the whole poll, body included; HttpClient's own timeout would stop at the headers.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public RemoteSamplingProtocol Protocol => RemoteSamplingProtocol.Http;

    public Uri Uri { get; }

    public async Task<StrategyFetch> FetchAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(Uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return StrategyFetch.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }

        var body = await BoundedContent.ReadAsync(response.Content, RemoteStrategyPoller.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        return body is null
            ? StrategyFetch.Failed(string.Create(CultureInfo.InvariantCulture, $"the answer is larger than {RemoteStrategyPoller.MaxResponseBytes} bytes"))
            : StrategyFetch.Succeeded(body);
    }

    public void Dispose() => _client.Dispose();

    private static Uri BuildUri(string endpoint, string serviceName)
    {
        var builder = new UriBuilder(endpoint);
        var service = "service=" + Uri.EscapeDataString(serviceName);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?"
            ? service
            : builder.Query.TrimStart('?') + "&" + service;
        return builder.Uri;
    }
}

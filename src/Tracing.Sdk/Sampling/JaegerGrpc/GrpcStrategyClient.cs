using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Sampling.JaegerGrpc;

/// <summary>
/// The unary gRPC call <c>jaeger.api_v2.SamplingManager/GetSamplingStrategy</c> (Jaeger IDL sampling.proto)
/// over <see cref="HttpClient"/> and HTTP/2, as gRPC over HTTP/2 specifies it (grpc/grpc
/// <c>doc/PROTOCOL-HTTP2.md</c>): a POST of one length-prefixed <c>SamplingStrategyParameters</c>, answered
/// with one <c>SamplingStrategyResponse</c> and a <c>grpc-status</c> trailer. Written by hand, so that the
/// library needs no gRPC or protobuf package (and stays trimmable).
/// </summary>
internal sealed class GrpcStrategyClient : IRemoteStrategyClient
{
    /// <summary>A server's <c>grpc-message</c> is cut to this many characters in a failure reason.</summary>
    private const int MaxStatusMessageLength = 200;

    /// <summary><c>TimeoutValue</c> is at most eight digits ("Timeout").</summary>
    private const long MaxTimeoutValue = 99_999_999;

    private readonly HttpClient _client;
    private readonly byte[] _request;
    private readonly string _timeout;

    public GrpcStrategyClient(string endpoint, string serviceName, TimeSpan timeout)
    {
        Uri = BuildUri(endpoint);
        _request = SamplingStrategyRequest.Framed(serviceName);
        _timeout = TimeoutValue(timeout);
        _client = new HttpClient(new SocketsHttpHandler
        {
            // The poll is SDK plumbing, not application traffic: no traceparent/baggage on it.
            ActivityHeadersPropagator = null,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // A gRPC answer is never a redirect, and a POST is not to be replayed at another address.
            AllowAutoRedirect = false,
        })
        {
            // The poller bounds the whole call, trailers included.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public RemoteSamplingProtocol Protocol => RemoteSamplingProtocol.Grpc;

    public Uri Uri { get; }

    public async Task<StrategyFetch> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Uri)
        {
            // gRPC runs on HTTP/2 alone: prior knowledge for http:// (h2c), ALPN for https://, and never a
            // fallback to HTTP/1.1, which would fail later and less clearly.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(_request),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocolNames.ContentType);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcProtocolNames.TrailersTransferCoding));

        // The server learns the poll's bound too, and can give up on the call when the poller does.
        request.Headers.TryAddWithoutValidation(GrpcProtocolNames.TimeoutHeader, _timeout);

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

        // Trailers-Only: a call that fails before any message carries its status in the headers ("Responses").
        if (TryReadStatus(response.Headers, out var failure))
        {
            return StrategyFetch.Failed(failure ?? "the call succeeded without a message");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return StrategyFetch.Failed(string.Create(
                CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} without a grpc-status: not a gRPC server"));
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocolNames.IsGrpcMediaType(contentType))
        {
            return StrategyFetch.Failed($"the answer's content-type '{contentType}' is not {GrpcProtocolNames.ContentType}: not a gRPC server");
        }

        var body = await BoundedContent.ReadAsync(response.Content, GrpcFrame.HeaderSize + RemoteStrategyPoller.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return StrategyFetch.Failed(string.Create(CultureInfo.InvariantCulture, $"the answer is larger than {RemoteStrategyPoller.MaxResponseBytes} bytes"));
        }

        // The trailers have arrived once the body has been read to its end.
        if (!TryReadStatus(response.TrailingHeaders, out failure))
        {
            return StrategyFetch.Failed("the call ended without a grpc-status");
        }

        if (failure is not null)
        {
            return StrategyFetch.Failed(failure);
        }

        return GrpcFrame.TryReadSingle(body, RemoteStrategyPoller.MaxResponseBytes, out var message, out var error)
            ? StrategyFetch.Succeeded(message)
            : StrategyFetch.Failed(error);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The endpoint's scheme, host, port and path (a prefix, as a proxy may route by) with the method's path after it.</summary>
    private static Uri BuildUri(string endpoint)
    {
        var builder = new UriBuilder(endpoint) { Query = string.Empty, Fragment = string.Empty };
        builder.Path = builder.Path.TrimEnd('/') + "/" + SamplingManagerProto.MethodPath;
        return builder.Uri;
    }

    /// <summary>The poll's bound as a <c>grpc-timeout</c>: milliseconds, rounded up, or seconds beyond eight digits of them.</summary>
    private static string TimeoutValue(TimeSpan timeout)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        return milliseconds <= MaxTimeoutValue
            ? string.Create(CultureInfo.InvariantCulture, $"{milliseconds}m")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Min(MaxTimeoutValue, (long)Math.Ceiling(timeout.TotalSeconds))}S");
    }

    /// <summary>
    /// Whether <paramref name="headers"/> hold a <c>grpc-status</c>; if so, <paramref name="failure"/> is null
    /// for OK and otherwise says which status, with the server's percent-decoded <c>grpc-message</c>.
    /// </summary>
    private static bool TryReadStatus(HttpHeaders headers, out string? failure)
    {
        failure = null;
        if (!headers.NonValidated.TryGetValues(GrpcProtocolNames.StatusHeader, out var statusValues))
        {
            return false;
        }

        var status = statusValues.ToString();
        if (!int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            failure = $"grpc-status '{Truncate(status)}' is not a status code";
            return true;
        }

        if (code == 0)
        {
            return true;
        }

        var message = headers.NonValidated.TryGetValues(GrpcProtocolNames.MessageHeader, out var messageValues)
            ? Uri.UnescapeDataString(messageValues.ToString())
            : null;
        failure = string.IsNullOrEmpty(message)
            ? string.Create(CultureInfo.InvariantCulture, $"gRPC status {code} {GrpcProtocolNames.StatusName(code)}")
            : string.Create(CultureInfo.InvariantCulture, $"gRPC status {code} {GrpcProtocolNames.StatusName(code)}: {Truncate(message)}");
        return true;
    }

    private static string Truncate(string text) =>
        text.Length <= MaxStatusMessageLength ? text : string.Concat(text.AsSpan(0, MaxStatusMessageLength), "...");
}

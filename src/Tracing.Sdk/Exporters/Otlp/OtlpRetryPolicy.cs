using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// Which failed export attempts are worth sending again, per the OTLP specification
/// (opentelemetry-proto <c>docs/specification.md</c>, "Failures" for OTLP/gRPC and OTLP/HTTP, and the
/// "Throttling" sections):
/// <list type="bullet">
/// <item>gRPC: <c>CANCELLED</c>, <c>DEADLINE_EXCEEDED</c>, <c>ABORTED</c>, <c>OUT_OF_RANGE</c>,
/// <c>UNAVAILABLE</c>, <c>DATA_LOSS</c>; <c>RESOURCE_EXHAUSTED</c> only when the status carries a
/// <c>RetryInfo</c> (the server saying recovery is possible). Every other code is final.</item>
/// <item>HTTP: 429, 502, 503, 504; every other non-2xx status is final. <c>Retry-After</c> is honoured.</item>
/// <item>A request that got no answer (refused or reset connection, name not resolved, response cut
/// off) may be retried; configuration errors (a response over the size limit, no HTTP/2, failed
/// authentication) are final.</item>
/// </list>
/// </summary>
internal static class OtlpRetryPolicy
{
    public const string StatusHeader = "grpc-status";

    private static readonly string[] s_grpcCodeNames =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>An OTLP/HTTP response.</summary>
    public static AttemptOutcome FromHttpResponse(HttpResponseMessage response, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 299)
        {
            return AttemptOutcome.Success;
        }

        return FromHttpStatus(status, response.Headers, now);
    }

    /// <summary>
    /// An OTLP/gRPC response whose body has been read, so that its trailers are there; a Trailers-Only
    /// response (the status in the headers, no body) needs no body.
    /// </summary>
    public static AttemptOutcome FromGrpcResponse(HttpResponseMessage response, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            // Not from a gRPC server (a proxy, a load balancer): gRPC maps 429/502/503/504 to UNAVAILABLE
            // (grpc/grpc doc/http-grpc-status-mapping.md), which is retryable.
            return FromHttpStatus(status, response.Headers, now);
        }

        HttpHeaders headers = response.TrailingHeaders;
        var code = ReadCode(headers);
        if (code is null)
        {
            headers = response.Headers;
            code = ReadCode(headers);
        }

        if (code is null)
        {
            // No grpc-status at all: the response is broken, which retrying will not mend.
            return AttemptOutcome.Failure(false, "no_grpc_status", "a gRPC response without grpc-status");
        }

        if (code == 0)
        {
            return AttemptOutcome.Success;
        }

        var throttle = GrpcRetryInfo.TryGetRetryDelay(ReadSingle(headers, GrpcRetryInfo.DetailsHeader));
        var retryable = code.Value switch
        {
            1 or 4 or 10 or 11 or 14 or 15 => true,     // CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS
            8 => throttle is not null,                   // RESOURCE_EXHAUSTED: only with RetryInfo
            _ => false,
        };

        var name = (uint)code.Value < (uint)s_grpcCodeNames.Length ? s_grpcCodeNames[code.Value] : "UNKNOWN";
        var reason = (uint)code.Value < (uint)s_grpcCodeNames.Length ? name.ToLowerInvariant() : "grpc_other";
        var description = string.Create(CultureInfo.InvariantCulture, $"gRPC status {name} ({code.Value}){(throttle is { } t ? $", RetryInfo asks for {t.TotalMilliseconds:0} ms" : string.Empty)}");
        return AttemptOutcome.Failure(retryable, reason, description, throttle);
    }

    /// <summary>A request that failed without a usable response.</summary>
    public static AttemptOutcome FromException(Exception exception)
    {
        var error = exception switch
        {
            HttpRequestException request => (HttpRequestError?)request.HttpRequestError,
            HttpIOException io => io.HttpRequestError,
            _ => null,
        };

        var socket = FindSocketError(exception);
        var detail = socket is { } code ? $" ({code})" : string.Empty;
        return error switch
        {
            HttpRequestError.ConnectionError => AttemptOutcome.Failure(true, "connection_error", $"cannot connect to the collector{detail}"),
            HttpRequestError.NameResolutionError => AttemptOutcome.Failure(true, "name_resolution_error", $"the collector's host name does not resolve{detail}"),
            HttpRequestError.SecureConnectionError => AttemptOutcome.Failure(true, "secure_connection_error", "the TLS handshake with the collector failed"),
            HttpRequestError.HttpProtocolError => AttemptOutcome.Failure(true, "http_protocol_error", $"the collector reset the request{detail}"),
            HttpRequestError.ResponseEnded => AttemptOutcome.Failure(true, "response_ended", "the collector closed the connection before answering"),
            HttpRequestError.ProxyTunnelError => AttemptOutcome.Failure(true, "proxy_tunnel_error", "the proxy refused the tunnel to the collector"),
            HttpRequestError.InvalidResponse => AttemptOutcome.Failure(false, "invalid_response", "the collector's response is not valid HTTP"),
            HttpRequestError.ConfigurationLimitExceeded => AttemptOutcome.Failure(false, "configuration_limit_exceeded", "the response exceeds a configured limit"),
            HttpRequestError.VersionNegotiationError => AttemptOutcome.Failure(false, "version_negotiation_error", "the collector does not speak the required HTTP version"),
            HttpRequestError.UserAuthenticationError => AttemptOutcome.Failure(false, "user_authentication_error", "authentication with the collector or proxy failed"),
            HttpRequestError.ExtendedConnectNotSupported => AttemptOutcome.Failure(false, "extended_connect_not_supported", "the collector does not support extended CONNECT"),
            _ when exception is IOException or HttpRequestException => AttemptOutcome.Failure(true, "transport_error", $"the request failed in transport ({exception.GetType().Name}{detail})"),
            _ => AttemptOutcome.Failure(false, "client_error", $"the request failed ({exception.GetType().Name})"),
        };
    }

    private static AttemptOutcome FromHttpStatus(int status, HttpResponseHeaders headers, DateTimeOffset now)
    {
        var retryable = status is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.BadGateway
            or (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout;
        var throttle = retryable ? RetryAfterHeader.TryGetDelay(headers, now) : null;
        var description = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}{(throttle is { } t ? $", Retry-After {t.TotalSeconds:0.###} s" : string.Empty)}");
        return AttemptOutcome.Failure(retryable, retryable ? string.Create(CultureInfo.InvariantCulture, $"http_{status}") : "http_other", description, throttle);
    }

    private static int? ReadCode(HttpHeaders headers) =>
        int.TryParse(ReadSingle(headers, StatusHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;

    private static string? ReadSingle(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count == 1 ? values.ToString() : null;

    private static SocketError? FindSocketError(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}

using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Http;

/// <summary>
/// Describes HttpClient's own client span (source <c>System.Net.Http</c>) when it ends: named
/// <c>{METHOD}</c> with the stable HTTP client attributes of the semantic conventions, <c>url.full</c>
/// with its query values redacted, status Error for a 4xx/5xx response or a transport failure, and the
/// failure recorded as an <c>exception</c> event. Every attribute is written from the request and
/// response (heard by <see cref="HttpClientDiagnostics"/>), overwriting what .NET 9+ set at stop, so the
/// span is the same on .NET 8 (which sets nothing) and on later runtimes. Runs before the export
/// processors, for this host's spans only.
/// </summary>
internal sealed class HttpClientSpanProcessor : BaseProcessor<Activity>
{
    private const string ExceptionEventName = "exception";
    private const string CancelledErrorType = "System.Threading.Tasks.TaskCanceledException";

    private static readonly object[] s_boxedStatusCodes = Enumerable.Range(0, 600).Select(static i => (object)i).ToArray();

    // Ports above the status codes' range, boxed once each, in a small direct-mapped table (a stale or
    // torn read is only a miss: the entry is checked against the port).
    private static readonly object?[] s_boxedPorts = new object?[256];

    private readonly UrlRedaction _redaction;
    private readonly HttpMethodNames _methods;
    private IDisposable? _lease;

    public HttpClientSpanProcessor(UrlRedaction redaction, HttpMethodNames methods)
    {
        _redaction = redaction;
        _methods = methods;
        _lease = HttpClientDiagnostics.Acquire();
    }

    public override void OnEnd(Activity data)
    {
        if (!data.IsAllDataRequested
            || !string.Equals(data.Source.Name, HttpClientSpanNames.SourceName, StringComparison.Ordinal)
            || HttpClientCall.Find(data) is not { } call)
        {
            return;
        }

        try
        {
            if (call.Request is { } request)
            {
                Describe(data, request, call);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(HttpClientSpanProcessor), ex.Message);
        }
        finally
        {
            // The span now says all it will say; it may wait in an export queue for seconds, and must
            // not keep the request and response (headers, content buffers, the connection's objects)
            // alive meanwhile.
            call.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        Interlocked.Exchange(ref _lease, null)?.Dispose();
        base.Dispose(disposing);
    }

    private void Describe(Activity activity, HttpRequestMessage request, HttpClientCall call)
    {
        var response = call.Response;
        var exception = call.Exception;
        var method = request.Method.Method;
        var canonical = _methods.Canonical(method);
        activity.DisplayName = canonical ?? SemanticConventions.UnknownMethodSpanName;
        activity.SetTag(SemanticConventions.HttpRequestMethod, canonical ?? SemanticConventions.OtherMethod);
        activity.SetTag(SemanticConventions.HttpRequestMethodOriginal, HttpMethodNames.OriginalIfChanged(method, canonical));

        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            // server.address: the Host header when the caller set one, else the URL's host (semconv,
            // HTTP client span; what HttpClient reports when no proxy is involved).
            activity.SetTag(SemanticConventions.ServerAddress, HostFromHeader(request) ?? uri.IdnHost);
            activity.SetTag(SemanticConventions.ServerPort, BoxPort(uri.Port));
            activity.SetTag(SemanticConventions.UrlFull, _redaction.FullUrl(uri));
        }

        string? errorType = null;
        if (response is not null)
        {
            var status = (int)response.StatusCode;
            activity.SetTag(SemanticConventions.HttpResponseStatusCode, Box(status));
            activity.SetTag(SemanticConventions.NetworkProtocolVersion, ProtocolVersion(response.Version));

            // Semconv "Status": 4xx and 5xx are errors on the client side; error.type is the code.
            if (status is >= 400 and <= 599)
            {
                errorType = status.ToString(CultureInfo.InvariantCulture);
            }
        }

        if (errorType is null && exception is not null)
        {
            errorType = ErrorType(exception);
        }
        else if (errorType is null && call.Cancelled)
        {
            // A cancelled call failed from the caller's point of view (as .NET 9+ reports it), but
            // HttpClient hands out no exception object for it: keep the type the runtime recorded, else
            // the one cancellation surfaces as.
            errorType = activity.GetTagItem(SemanticConventions.ErrorType) as string ?? CancelledErrorType;
        }

        activity.SetTag(SemanticConventions.ErrorType, errorType);
        if (errorType is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }

        // .NET 10 records the exception itself; add it only where the runtime did not.
        if (exception is not null && !HasExceptionEvent(activity))
        {
            activity.AddException(exception);
        }
    }

    private static string? HostFromHeader(HttpRequestMessage request)
    {
        if (!request.Headers.NonValidated.TryGetValues("Host", out var values))
        {
            return null;
        }

        var host = values.ToString();
        if (host.Length == 0)
        {
            return null;
        }

        // host[:port], or [v6]:port
        if (host[0] == '[')
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[..(close + 1)] : host;
        }

        var colon = host.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? host[..colon] : host;
    }

    /// <summary>
    /// <c>error.type</c> for a failure without a response: the <see cref="HttpRequestError"/> in
    /// snake_case, else the exception's type name (semconv <c>error.type</c>), as HttpClient reports it.
    /// </summary>
    private static string ErrorType(Exception exception) => (exception as HttpRequestException)?.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "name_resolution_error",
        HttpRequestError.ConnectionError => "connection_error",
        HttpRequestError.SecureConnectionError => "secure_connection_error",
        HttpRequestError.HttpProtocolError => "http_protocol_error",
        HttpRequestError.ExtendedConnectNotSupported => "extended_connect_not_supported",
        HttpRequestError.VersionNegotiationError => "version_negotiation_error",
        HttpRequestError.UserAuthenticationError => "user_authentication_error",
        HttpRequestError.ProxyTunnelError => "proxy_tunnel_error",
        HttpRequestError.InvalidResponse => "invalid_response",
        HttpRequestError.ResponseEnded => "response_ended",
        HttpRequestError.ConfigurationLimitExceeded => "configuration_limit_exceeded",
        _ => exception.GetType().FullName ?? exception.GetType().Name,
    };

    private static string ProtocolVersion(Version version) => (version.Major, version.Minor) switch
    {
        (1, 0) => "1.0",
        (1, 1) => "1.1",
        (2, 0) => "2",
        (3, 0) => "3",
        _ => version.ToString(),
    };

    private static bool HasExceptionEvent(Activity activity)
    {
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            if (string.Equals(activityEvent.Name, ExceptionEventName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static object BoxPort(int port)
    {
        if ((uint)port < (uint)s_boxedStatusCodes.Length)
        {
            return s_boxedStatusCodes[port];
        }

        ref var slot = ref s_boxedPorts[port & (s_boxedPorts.Length - 1)];
        var boxed = Volatile.Read(ref slot);
        if (boxed is int known && known == port)
        {
            return boxed;
        }

        boxed = port;
        Volatile.Write(ref slot, boxed);
        return boxed;
    }

    private static object Box(int value) => (uint)value < (uint)s_boxedStatusCodes.Length ? s_boxedStatusCodes[value] : value;
}

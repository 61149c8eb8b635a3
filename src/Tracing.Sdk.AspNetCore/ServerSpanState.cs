using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.Diagnostics;
using static Tracing.Sdk.AspNetCore.HttpSemanticConventions;
using static Tracing.Sdk.Conventions.SemanticConventions;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// One traced request: names and tags the hosting Activity (the one server span) and decides it late.
/// It is installed as the request's <see cref="IEndpointFeature"/> so that it hears, synchronously, the
/// moment routing selects the endpoint — after <c>UseRouting</c>, before any later middleware, the
/// endpoint or an outgoing call runs — which is when the span gets its route name and a late-binding
/// sampler its operation name. The first endpoint wins: the exception handler and status-code pages
/// re-execute the pipeline and route again, which must not rename the span after an error page.
/// <para>
/// Ended by <see cref="HostingDiagnosticsObserver"/> as hosting stops the request, then released: the
/// request gets back the endpoint feature this state replaced (with the request's endpoint in it), and
/// the state serves the next request started on the same thread, so tracing a request allocates no
/// state of its own.
/// </para>
/// </summary>
internal sealed class ServerSpanState : IEndpointFeature
{
    /// <summary>Custom property marking a hosting Activity whose request is excluded (no span, no children).</summary>
    public const string ExcludedProperty = "Tracing.Sdk.AspNetCore.Excluded";

    private static readonly object s_true = true;

    /// <summary>gRPC status code names (gRPC <c>statuscodes.md</c>), for <c>error.type</c>.</summary>
    private static readonly string[] s_grpcStatusNames =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    // One ended state per thread, reused by the next request that thread starts: a traced request then
    // allocates nothing here. A state is put back only once its request has ended and the request's
    // endpoint feature is the one it replaced again (holding the same endpoint), so nothing reachable
    // from the request still sees it.
    [ThreadStatic]
    private static ServerSpanState? t_free;

    private AspNetCoreTracing _tracing = null!;
    private HttpContext _context = null!;
    private Activity _activity = null!;
    private IEndpointFeature? _previous;
    private string _methodForName = string.Empty;
    private bool _isGrpc;
    private Endpoint? _endpoint;
    private bool _bound;
    private bool _decided;
    private Exception? _handled;
    private ServerSpanFinalWord? _finalWord;

    private ServerSpanState()
    {
    }

    public Endpoint? Endpoint
    {
        get => _endpoint;
        set
        {
            _endpoint = value;
            if (value is not null && !_bound)
            {
                Bind(value);
            }
        }
    }

    /// <summary>Starts tracing <paramref name="context"/>: tags known at the start, then takes over the endpoint feature (where the stop finds it).</summary>
    public static void Start(AspNetCoreTracing tracing, HttpContext context, Activity activity, IEndpointFeature? previous)
    {
        var state = t_free ?? new ServerSpanState();
        t_free = null;
        state._tracing = tracing;
        state._context = context;
        state._activity = activity;
        state._previous = previous;

        // Semantic conventions, HTTP server span name: "{method} {target}", where {method} is HTTP
        // when http.request.method is _OTHER.
        state._methodForName = tracing.Settings.Methods.Canonical(context.Request.Method) ?? UnknownMethodSpanName;
        state._isGrpc = GrpcConventions.IsGrpc(context.Request);
        if (ServerSpanFinalWord.IsDescribedByOthers(activity))
        {
            state._finalWord = ServerSpanFinalWord.Claim(activity);
        }

        state.TagRequest();
        context.Features.Set<IEndpointFeature>(state);

        // Placed after UseRouting (app.UseTracing()), the endpoint is already known.
        if (previous?.Endpoint is { } selected)
        {
            state.Endpoint = selected;
        }
    }

    /// <summary>An excluded or filtered-out request: no span, and (see the processor) no child spans.</summary>
    public static void Suppress(Activity activity)
    {
        activity.SetCustomProperty(ExcludedProperty, s_true);
        activity.IsAllDataRequested = false;
        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }

    public static bool IsSuppressed(Activity activity) => activity.GetCustomProperty(ExcludedProperty) is not null;

    /// <summary>An exception that middleware inside the span handled (exception handler, developer page).</summary>
    public void ObserveHandled(Exception exception) => _handled ??= exception;

    /// <summary>
    /// Final tags and status; <paramref name="escaped"/> is the exception leaving the pipeline, if any.
    /// Called once, as hosting stops the request (see <see cref="HostingDiagnosticsObserver"/>).
    /// </summary>
    public void End(Exception? escaped)
    {
        try
        {
            if (!_decided)
            {
                // No route matched (or routing never ran): decide under the method-only name.
                Decide(_activity.DisplayName);
            }

            if (_activity.IsAllDataRequested && _activity.Recorded)
            {
                TagResponse(escaped);
                _finalWord?.Record(_activity);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ServerSpanState), ex.Message);
        }
    }

    /// <summary>
    /// After <see cref="End"/> and everything else the stop does: gives the request back the endpoint
    /// feature this state replaced, holding the request's endpoint, and keeps the state for this
    /// thread's next request. A request that had no endpoint feature before keeps this state (there is
    /// nothing to give back) and it is not reused.
    /// </summary>
    public void Release()
    {
        var previous = _previous;
        if (previous is null || !ReferenceEquals(_context.Features.Get<IEndpointFeature>(), this))
        {
            return;
        }

        previous.Endpoint = _endpoint;
        _context.Features.Set(previous);

        _tracing = null!;
        _context = null!;
        _activity = null!;
        _previous = null;
        _endpoint = null;
        _handled = null;
        _finalWord = null;
        _bound = false;
        _decided = false;
        t_free = this;
    }

    private void TagRequest()
    {
        var request = _context.Request;
        var activity = _activity;
        activity.DisplayName = _methodForName;

        if (_isGrpc)
        {
            activity.SetTag(RpcSystem, "grpc");
            if (GrpcConventions.TryParsePath(request.Path.Value, out var service, out var method))
            {
                activity.SetTag(RpcService, service);
                activity.SetTag(RpcMethod, method);
            }
        }
        else
        {
            var method = request.Method;
            var known = _tracing.Settings.Methods.Canonical(method);
            activity.SetTag(HttpRequestMethod, known ?? OtherMethod);
            SetIfPresent(activity, HttpRequestMethodOriginal, HttpMethodNames.OriginalIfChanged(method, known));

            activity.SetTag(UrlScheme, request.Scheme);
            activity.SetTag(UrlPath, request.PathBase.HasValue ? request.PathBase.Add(request.Path).ToUriComponent() : request.Path.HasValue ? request.Path.ToUriComponent() : "/");
            SetIfPresent(activity, UrlQuery, _tracing.Settings.Query.Redact(request.QueryString.Value));
        }

        var host = _tracing.HostOf(request);
        if (host is not null)
        {
            activity.SetTag(ServerAddress, host.Address);
            if (host.Port is not null)
            {
                activity.SetTag(ServerPort, host.Port);
            }
        }

        SetIfPresent(activity, NetworkProtocolVersion, ProtocolVersionOf(request.Protocol));
        SetIfPresent(activity, UserAgentOriginal, request.Headers.UserAgent.ToString());

        var settings = _tracing.Settings;
        if (!settings.RequestHeaders.IsEmpty)
        {
            settings.RequestHeaders.Capture(activity, request.Headers);
        }

        if (settings.IncomingContext == IncomingContextMode.Restart && _context.Features.Get<UntrustedCallerFeature>() is { } caller)
        {
            activity.AddLink(new ActivityLink(caller.Caller));
        }
    }

    private void Bind(Endpoint endpoint)
    {
        // Re-execution after an error (exception handler, status-code pages) routes the error page.
        if (_context.Features.Get<IExceptionHandlerFeature>() is not null
            || _context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            return;
        }

        _bound = true;
        try
        {
            var route = EndpointRoute.Of(endpoint);
            var name = (_isGrpc ? route.GrpcSpanName(_context.Request.Path.Value) : null) ?? route.SpanName(_methodForName);
            if (_activity.IsAllDataRequested)
            {
                _activity.DisplayName = name;
                if (!_isGrpc && route.Route is not null)
                {
                    _activity.SetTag(HttpRoute, route.Route);
                }
            }

            Decide(name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ServerSpanState), ex.Message);
        }
    }

    private void Decide(string operationName)
    {
        _decided = true;
        var sampler = _tracing.LateBindingSampler;
        if (sampler is not null && sampler.IsPending(_activity))
        {
            sampler.Decide(_activity, operationName);
        }
    }

    private void TagResponse(Exception? escaped)
    {
        var activity = _activity;
        var response = _context.Response;

        // A client that went away is not a server failure (its cancellation is its own outcome).
        var aborted = escaped is OperationCanceledException && _context.RequestAborted.IsCancellationRequested;

        // An exception escaping before the response started becomes a 500 from the server right after this.
        var statusCode = escaped is not null && !aborted && !response.HasStarted ? StatusCodes.Status500InternalServerError : response.StatusCode;
        var exception = (aborted ? null : escaped) ?? _handled ?? _context.Features.Get<IExceptionHandlerFeature>()?.Error;

        var client = _context.Connection.RemoteIpAddress;
        if (client is not null)
        {
            activity.SetTag(ClientAddress, (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString());
        }

        string? errorType = null;
        if (_isGrpc)
        {
            // Grpc.AspNetCore's own tags repeat the method and status outside the conventions (the
            // status as text): the span says them once, as rpc.method / rpc.grpc.status_code.
            activity.SetTag(GrpcLibraryTags.Method, null);
            activity.SetTag(GrpcLibraryTags.StatusCode, null);
        }

        if (_isGrpc && GrpcConventions.TryGetStatus(_context, out var grpcStatus))
        {
            activity.SetTag(RpcGrpcStatusCode, Boxed(grpcStatus));
            if (GrpcConventions.IsServerError(grpcStatus))
            {
                errorType = s_grpcStatusNames[grpcStatus];
            }
        }
        else
        {
            activity.SetTag(HttpResponseStatusCode, Boxed(statusCode));

            // HTTP server spans: 5xx is an error; 4xx is the client's and leaves the status unset.
            if (statusCode >= 500)
            {
                errorType = statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (exception is not null)
        {
            activity.SetTag(ErrorType, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (_tracing.Settings.RecordExceptions)
            {
                activity.AddException(exception);
            }
        }
        else if (errorType is not null)
        {
            activity.SetTag(ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        var settings = _tracing.Settings;
        if (!settings.ResponseHeaders.IsEmpty)
        {
            settings.ResponseHeaders.Capture(activity, response.Headers);
        }

        if (settings.Enrich is { } enrich)
        {
            try
            {
                enrich(activity, _context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TracingEventSource.Log.ComponentFailed("AspNetCore:Enrich", ex.Message);
            }
        }
    }
}

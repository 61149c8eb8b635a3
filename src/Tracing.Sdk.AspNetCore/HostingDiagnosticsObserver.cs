using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Listens to the host's <c>Microsoft.AspNetCore</c> <see cref="DiagnosticListener"/> for:
/// <list type="bullet">
/// <item>The request hosting is about to start the server span for. Hosting asks
/// <c>IsEnabled("Microsoft.AspNetCore.Hosting.HttpRequestIn", httpContext)</c> right before it extracts
/// the caller's context, on the same thread; remembering that context lets
/// <see cref="TrustedContextPropagator"/> judge the caller without <c>IHttpContextAccessor</c>, whose
/// async-local costs every request of every app (measured: several percent of requests/s).</item>
/// <item>The end of each request: hosting's <c>HttpRequestIn.Stop</c> event, written (with the
/// <see cref="HttpContext"/>, no payload object) right before hosting stops the span, after the response
/// is complete — where the span gets its response tags and status (<see cref="ServerSpanState.End"/>), so
/// the middleware needs no async state of its own per request. Hosting writes it because
/// <c>HttpRequestIn.Start</c> is enabled; the exception that left the pipeline comes just before it in
/// hosting's <c>UnhandledException</c> event, on the same thread. Span metrics count the request there too.</item>
/// <item>Exceptions that middleware inside the span swallows and turns into a response: the developer
/// exception page (<c>Microsoft.AspNetCore.Diagnostics.UnhandledException</c>) and the exception
/// handler (<c>...HandledException</c>), both written with <c>{ httpContext, exception }</c>.</item>
/// </list>
/// Every other name answers "not enabled", so hosting, routing and MVC keep skipping their own
/// diagnostic payloads.
/// </summary>
internal sealed class HostingDiagnosticsObserver : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    public const string UnhandledEvent = "Microsoft.AspNetCore.Diagnostics.UnhandledException";
    public const string HandledEvent = "Microsoft.AspNetCore.Diagnostics.HandledException";
    public const string StartEvent = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Start";
    public const string StopEvent = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop";
    public const string HostingUnhandledEvent = "Microsoft.AspNetCore.Hosting.UnhandledException";

    [ThreadStatic]
    private static HttpContext? t_starting;

    // Hosting writes UnhandledException and then Stop for the same request in one synchronous call
    // (RequestEnd); the exception is handed from one to the other on that thread, keyed by the request.
    [ThreadStatic]
    private static HttpContext? t_failedRequest;

    [ThreadStatic]
    private static Exception? t_failure;

    private IDisposable? _subscription;
    private ActivitySource? _hostingSource;
    private ServerSpanMetrics? _metrics;

    private HostingDiagnosticsObserver()
    {
    }

    /// <param name="listener">The host's <c>Microsoft.AspNetCore</c> listener.</param>
    /// <param name="hostingSource">The host's <c>Microsoft.AspNetCore</c> ActivitySource, noted as the starting request's owner.</param>
    /// <param name="metrics">Span metrics of server spans, when they are on: hosting's stop event is then enabled.</param>
    public static HostingDiagnosticsObserver Subscribe(DiagnosticListener listener, ActivitySource? hostingSource, ServerSpanMetrics? metrics = null)
    {
        var observer = new HostingDiagnosticsObserver { _hostingSource = hostingSource, _metrics = metrics };
        observer._subscription = listener.Subscribe(observer, (name, arg1, _) =>
        {
            if (arg1 is HttpContext starting && string.Equals(name, RequestActivityName, StringComparison.Ordinal))
            {
                t_starting = starting;
                if (hostingSource is not null)
                {
                    Hosting.StartingRequestOwner.Note(hostingSource);
                }

                return false;
            }

            return name is UnhandledEvent or HandledEvent or StartEvent or HostingUnhandledEvent;
        });
        if (hostingSource is not null)
        {
            Hosting.StartingRequestOwner.Observe(hostingSource);
        }

        return observer;
    }

    /// <summary>The request whose server span hosting is starting on this thread, if any; forgotten once taken.</summary>
    public static HttpContext? TakeStartingRequest()
    {
        var starting = t_starting;
        t_starting = null;
        return starting;
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not { } payload)
        {
            return;
        }

        if (payload is HttpContext stopped && string.Equals(value.Key, StopEvent, StringComparison.Ordinal))
        {
            try
            {
                RequestStopped(stopped);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Written inside hosting's own end of the request: nothing may throw back into it.
                TracingEventSource.Log.ComponentFailed(nameof(HostingDiagnosticsObserver), ex.Message);
            }

            return;
        }

        if (string.Equals(value.Key, HostingUnhandledEvent, StringComparison.Ordinal))
        {
            var (failedContext, failure) = Read(payload);
            t_failedRequest = failedContext;
            t_failure = failure;
            return;
        }

        if (value.Key is not (UnhandledEvent or HandledEvent))
        {
            return;
        }

        var (context, exception) = Read(payload);
        if (context is not null
            && exception is not null
            && context.Features.Get<IEndpointFeature>() is ServerSpanState state)
        {
            state.ObserveHandled(exception);
        }
    }

    /// <summary>Ends the request's server span, if the SDK traces it, and counts it in span metrics.</summary>
    private void RequestStopped(HttpContext context)
    {
        Exception? escaped = null;
        if (t_failedRequest is { } failed)
        {
            escaped = ReferenceEquals(failed, context) ? t_failure : null;
            t_failedRequest = null;
            t_failure = null;
        }

        var state = context.Features.Get<IEndpointFeature>() as ServerSpanState;
        state?.End(escaped);
        _metrics?.RequestStopped(context, escaped);

        // Last: the request's endpoint feature is hosting's own again, and the state free for reuse.
        state?.Release();
    }

    /// <summary>The <c>{ httpContext, exception }</c> of a hosting or diagnostics exception event.</summary>
    private static (HttpContext? Context, Exception? Exception) Read(object payload)
        => (DiagnosticPayload.Read(payload, "httpContext") as HttpContext, DiagnosticPayload.Read(payload, "exception") as Exception);

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        if (Interlocked.Exchange(ref _hostingSource, null) is { } hostingSource)
        {
            Hosting.StartingRequestOwner.Forget(hostingSource);
        }
    }
}

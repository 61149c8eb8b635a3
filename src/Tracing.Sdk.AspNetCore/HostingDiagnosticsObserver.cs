using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Listens to the host's <c>Microsoft.AspNetCore</c> <see cref="DiagnosticListener"/> for two things:
/// <list type="bullet">
/// <item>The request hosting is about to start the server span for. Hosting asks
/// <c>IsEnabled("Microsoft.AspNetCore.Hosting.HttpRequestIn", httpContext)</c> right before it extracts
/// the caller's context, on the same thread; remembering that context lets
/// <see cref="TrustedContextPropagator"/> judge the caller without <c>IHttpContextAccessor</c>, whose
/// async-local costs every request of every app (measured: several percent of requests/s).</item>
/// <item>Exceptions that middleware inside the span swallows and turns into a response: the developer
/// exception page (<c>Microsoft.AspNetCore.Diagnostics.UnhandledException</c>) and the exception
/// handler (<c>...HandledException</c>), both written with <c>{ httpContext, exception }</c>.</item>
/// </list>
/// Every name answers "not enabled" except the two exception events, so hosting, routing and MVC keep
/// skipping their own diagnostic payloads.
/// </summary>
internal sealed class HostingDiagnosticsObserver : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    public const string UnhandledEvent = "Microsoft.AspNetCore.Diagnostics.UnhandledException";
    public const string HandledEvent = "Microsoft.AspNetCore.Diagnostics.HandledException";

    [ThreadStatic]
    private static HttpContext? t_starting;

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

            return name is UnhandledEvent or HandledEvent || (metrics is not null && ServerSpanMetrics.IsEnabled(name));
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

        if (_metrics is { } metrics)
        {
            if (payload is HttpContext stopped && string.Equals(value.Key, ServerSpanMetrics.StopEvent, StringComparison.Ordinal))
            {
                metrics.RequestStopped(stopped);
                return;
            }

            if (string.Equals(value.Key, ServerSpanMetrics.UnhandledEvent, StringComparison.Ordinal))
            {
                var (failedContext, failure) = Read(payload);
                if (failedContext is not null && failure is not null)
                {
                    ServerSpanMetrics.NoteUnhandled(failedContext, failure);
                }

                return;
            }
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

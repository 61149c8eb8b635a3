using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

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

    private static readonly ConcurrentDictionary<Type, (PropertyInfo? Context, PropertyInfo? Exception)> s_payloadShapes = new();

    [ThreadStatic]
    private static HttpContext? t_starting;

    private IDisposable? _subscription;
    private ActivitySource? _hostingSource;

    private HostingDiagnosticsObserver()
    {
    }

    /// <param name="listener">The host's <c>Microsoft.AspNetCore</c> listener.</param>
    /// <param name="hostingSource">The host's <c>Microsoft.AspNetCore</c> ActivitySource, noted as the starting request's owner.</param>
    public static HostingDiagnosticsObserver Subscribe(DiagnosticListener listener, ActivitySource? hostingSource)
    {
        var observer = new HostingDiagnosticsObserver { _hostingSource = hostingSource };
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

            return name is UnhandledEvent or HandledEvent;
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
        if (value.Value is not { } payload || value.Key is not (UnhandledEvent or HandledEvent))
        {
            return;
        }

        var (contextProperty, exceptionProperty) = s_payloadShapes.GetOrAdd(payload.GetType(), static type =>
            (type.GetProperty("httpContext"), type.GetProperty("exception")));
        if (contextProperty?.GetValue(payload) is HttpContext context
            && exceptionProperty?.GetValue(payload) is Exception exception
            && context.Features.Get<IEndpointFeature>() is ServerSpanState state)
        {
            state.ObserveHandled(exception);
        }
    }

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

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Hears the exceptions that middleware inside the server span swallows and turns into a response:
/// the developer exception page (<c>Microsoft.AspNetCore.Diagnostics.UnhandledException</c>) and the
/// exception handler (<c>...HandledException</c>), both written to the host's
/// <c>Microsoft.AspNetCore</c> <see cref="DiagnosticListener"/> with <c>{ httpContext, exception }</c>.
/// Only these two names are enabled, so hosting, routing and MVC keep skipping their own events.
/// The exception handler also leaves <c>IExceptionHandlerFeature</c>, which the span reads as well.
/// </summary>
internal sealed class HandledExceptionObserver : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string UnhandledEvent = "Microsoft.AspNetCore.Diagnostics.UnhandledException";
    public const string HandledEvent = "Microsoft.AspNetCore.Diagnostics.HandledException";

    private static readonly ConcurrentDictionary<Type, (PropertyInfo? Context, PropertyInfo? Exception)> s_payloadShapes = new();

    private IDisposable? _subscription;

    private HandledExceptionObserver()
    {
    }

    public static HandledExceptionObserver Subscribe(DiagnosticListener listener)
    {
        var observer = new HandledExceptionObserver();
        observer._subscription = listener.Subscribe(observer, static (name, _, _) => name is UnhandledEvent or HandledEvent);
        return observer;
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

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();
}

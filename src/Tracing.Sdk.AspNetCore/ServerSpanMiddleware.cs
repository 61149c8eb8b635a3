using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Turns the ASP.NET Core hosting Activity of each request into the request's one server span. Placed
/// first in the pipeline by <see cref="TracingStartupFilter"/> (or where <c>app.UseTracing()</c> puts
/// it); a second instance on the same request steps aside.
/// <para>
/// It tags the span as the request starts and hands the request on unchanged: the span gets its
/// response tags and status as hosting stops it (<see cref="HostingDiagnosticsObserver"/>), after the
/// response is complete, so a request whose pipeline completes asynchronously costs no async state here.
/// Hosting always has its <see cref="System.Diagnostics.DiagnosticListener"/> (its request handling takes
/// it from DI), and the middleware subscribes to it when the pipeline is built, before any request. The
/// request's state is found then as its <see cref="IEndpointFeature"/>, as routing finds it; a
/// middleware that replaces that feature instead of setting its endpoint leaves the span unnamed by its
/// route and without response tags.
/// </para>
/// </summary>
internal sealed class ServerSpanMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AspNetCoreTracing _tracing;

    public ServerSpanMiddleware(RequestDelegate next, AspNetCoreTracing tracing)
    {
        _next = next;
        _tracing = tracing;
        if (tracing.Settings.Enabled)
        {
            tracing.ObserveHostingDiagnostics();
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null)
        {
            return _next(context);
        }

        // Hosting gives its span the extracted tracestate itself, after the sampler ran: a request whose
        // B3 caller deferred holds the SDK's mark. ServerSpanProcessor clears it from a recorded span at
        // start; a dropped one is cleared here, before the application can start children under it.
        InternalTraceState.Forget(activity);

        var previous = context.Features.Get<IEndpointFeature>();
        var settings = _tracing.Settings;
        if (previous is ServerSpanState || !settings.Enabled)
        {
            return _next(context);
        }

        if (IsExcluded(context, settings))
        {
            ServerSpanState.Suppress(activity);
            return _next(context);
        }

        if (!activity.IsAllDataRequested)
        {
            return _next(context);
        }

        try
        {
            // Ended by HostingDiagnosticsObserver when hosting stops the request.
            ServerSpanState.Start(_tracing, context, activity, previous);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ServerSpanMiddleware), ex.Message);
        }

        return _next(context);
    }

    private static bool IsExcluded(HttpContext context, AspNetCoreSettings settings)
    {
        if (!settings.Exclusions.IsEmpty && settings.Exclusions.IsExcluded(context.Request.Path))
        {
            return true;
        }

        if (settings.Filter is not { } filter)
        {
            return false;
        }

        try
        {
            return !filter(context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing filter must not fail the request; the request is traced.
            TracingEventSource.Log.ComponentFailed("AspNetCore:Filter", ex.Message);
            return false;
        }
    }
}

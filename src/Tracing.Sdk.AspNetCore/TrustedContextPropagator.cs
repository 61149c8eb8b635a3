using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Wraps the app's <see cref="DistributedContextPropagator"/> (whatever formats it reads) so that
/// ASP.NET Core hosting only continues a trace whose caller is trusted. Hosting extracts the parent
/// before any middleware runs, with the propagator from DI, so this is where <c>IncomingContext</c>
/// must act: under <c>restart</c> or <c>ignore</c> a caller outside <c>TrustedNetworks</c> (its
/// address resolved as forwarded-headers processing will report it) gets no parent — the span is a new
/// root and the sampler decides it here, so a crafted <c>traceparent ...-01</c> cannot force sampling —
/// and no baggage. Under <c>restart</c> the refused context is kept for a span link. Any failure of the
/// inner propagator counts as "no context": a hostile header never fails a request.
/// <para>
/// Debug requests (<see cref="DebugSampling"/>) are judged here too, whatever the mode, since only here is
/// the caller known: from a trusted caller the marker is made <c>debug-trusted</c> (honoured without
/// spending the debug budget), from anyone else it goes on as it came and the sampler spends the budget
/// on it. A request for a new debug root is handed to this host's sampler for the span hosting creates
/// next (<see cref="HostingRootDebug"/>). A refused caller's context carries no request at all, and
/// nothing shared is touched for it.
/// </para>
/// <para>
/// The request is the one <see cref="HostingDiagnosticsObserver"/> saw hosting start on this thread
/// (else the app's own <see cref="IHttpContextAccessor"/>, if it has one), recognised by its header
/// collection being the carrier. Request headers that cannot be placed are refused, not trusted.
/// </para>
/// </summary>
internal sealed class TrustedContextPropagator(
    DistributedContextPropagator inner,
    AspNetCoreTracing tracing) : DistributedContextPropagator, IDecoratingPropagator
{
    // Hosting calls ExtractTraceIdAndState, then ExtractBaggage, for the same carrier on the same
    // thread: the trust decision of the first call is reused by the second.
    [ThreadStatic]
    private static object? t_decidedCarrier;

    [ThreadStatic]
    private static bool t_refused;

    public DistributedContextPropagator Inner => inner;

    public override IReadOnlyCollection<string> Fields => inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        t_decidedCarrier = null;
        HostingRootDebug.Clear();
        var starting = HostingDiagnosticsObserver.TakeStartingRequest();
        try
        {
            inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TrustedContextPropagator), ex.Message);
            traceId = traceState = null;
            return;
        }

        var refused = Refuses(carrier, starting, out var context);
        t_decidedCarrier = carrier;
        t_refused = refused;
        if (!refused)
        {
            if (DebugSampling.IsMarker(traceState))
            {
                traceState = JudgeDebugRequest(carrier, starting, traceId, traceState);
            }

            return;
        }

        if (context is not null && tracing.Settings.IncomingContext == IncomingContextMode.Restart
            && ActivityContext.TryParse(traceId, traceState, isRemote: true, out var caller))
        {
            context.Features.Set(new UntrustedCallerFeature(caller));
        }

        traceId = traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        var refused = carrier is not null && ReferenceEquals(t_decidedCarrier, carrier) ? t_refused : Refuses(carrier, null, out _);
        t_decidedCarrier = null;
        if (refused)
        {
            return null;
        }

        try
        {
            return inner.ExtractBaggage(carrier, getter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TrustedContextPropagator), ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The tracestate hosting is to get for a caller's debug request: the trusted form for a trusted
    /// caller, as it came otherwise; none for a new root's request, which goes to the sampler directly.
    /// </summary>
    private string? JudgeDebugRequest(object? carrier, HttpContext? starting, string? traceId, string? traceState)
    {
        var trusted = false;
        try
        {
            trusted = RequestOf(carrier, starting) is { } request && tracing.Settings.IsTrusted(tracing.ForwardedAddress.Resolve(request));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TrustedContextPropagator), ex.Message);
        }

        if (traceId is null)
        {
            if (tracing.Settings.Enabled && DebugSampling.TryRead(traceState, out _, out var debugId))
            {
                HostingRootDebug.Offer(tracing.DebugGate, debugId, trusted);
            }

            return null;
        }

        return trusted ? DebugSampling.AsTrusted(traceState) : traceState;
    }

    /// <summary>The request whose headers <paramref name="carrier"/> are, if it can be placed.</summary>
    private HttpContext? RequestOf(object? carrier, HttpContext? starting)
    {
        if (carrier is not IHeaderDictionary)
        {
            return null;
        }

        if (starting is not null && ReferenceEquals(starting.Request.Headers, carrier))
        {
            return starting;
        }

        return tracing.HttpContextAccessor?.HttpContext is { } current && ReferenceEquals(current.Request.Headers, carrier) ? current : null;
    }

    /// <summary>Whether the carrier is a request's headers and its caller may not set the context.</summary>
    private bool Refuses(object? carrier, HttpContext? starting, out HttpContext? context)
    {
        context = null;
        var settings = tracing.Settings;
        if (!settings.Enabled || settings.IncomingContext == IncomingContextMode.Continue || carrier is not IHeaderDictionary)
        {
            // Not request headers (an app's own use of the propagator on its own carrier): leave it be.
            return false;
        }

        context = RequestOf(carrier, starting);
        if (context is null)
        {
            // Request headers from a request that cannot be placed: no way to judge the caller.
            return true;
        }

        try
        {
            return !settings.IsTrusted(tracing.ForwardedAddress.Resolve(context));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(TrustedContextPropagator), ex.Message);
            return true;
        }
    }
}

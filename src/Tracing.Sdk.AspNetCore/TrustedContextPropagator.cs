using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Propagation;

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
            return;
        }

        // A jaeger-debug-id with no parent would make the next root on this thread debug (sampled):
        // an untrusted caller may not ask for that either.
        DebugContext.ClearNextRoot();

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

        if (starting is not null && ReferenceEquals(starting.Request.Headers, carrier))
        {
            context = starting;
        }
        else if (tracing.HttpContextAccessor?.HttpContext is { } current && ReferenceEquals(current.Request.Headers, carrier))
        {
            context = current;
        }
        else
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

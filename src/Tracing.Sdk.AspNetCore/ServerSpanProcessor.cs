using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Keeps the server span's decisions binding on the spans started under it, in this host's pipeline
/// ahead of the exporters: children of an excluded request are dropped even when the sampler is not
/// parent-based, and a child started before routing has named the request (a middleware ahead of
/// <c>UseRouting</c> calling out) first makes the late-binding sampler decide the request under its
/// method-only name, and is dropped with it if it is not sampled. When the span ends, the SDK's
/// description wins over another instrumentation's (<see cref="ServerSpanFinalWord"/>).
/// </summary>
internal sealed class ServerSpanProcessor : BaseProcessor<Activity>
{
    private readonly System.Diagnostics.ActivitySource _hostingSource;
    private readonly AspNetCoreTracing _tracing;

    public ServerSpanProcessor(System.Diagnostics.ActivitySource hostingSource, AspNetCoreTracing tracing)
    {
        _hostingSource = hostingSource;
        _tracing = tracing;
    }

    public override void OnEnd(Activity data)
    {
        // Runs after hosting's stop event: another instrumentation's last word on the span is overwritten.
        if (ReferenceEquals(data.Source, _hostingSource) && data.GetCustomProperty(ServerSpanFinalWord.Property) is ServerSpanFinalWord finalWord)
        {
            try
            {
                finalWord.Restore(data);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TracingEventSource.Log.ComponentFailed(nameof(ServerSpanProcessor), ex.Message);
            }
        }
    }

    public override void OnStart(Activity data)
    {
        if (ReferenceEquals(data.Source, _hostingSource))
        {
            // ASP.NET Core hosting sets the tracestate it extracted on its span after sampling
            // (ActivityCreator.CreateFromRemote), undoing the sampler's clearing of the deferred-sampling
            // mark: it is cleared again here, before the request runs any code.
            InternalTraceState.Forget(data);
            return;
        }

        for (var parent = data.Parent; parent is not null; parent = parent.Parent)
        {
            if (ReferenceEquals(parent.Source, _hostingSource))
            {
                Govern(data, parent);
                return;
            }
        }
    }

    private void Govern(Activity child, Activity serverSpan)
    {
        try
        {
            if (ServerSpanState.IsSuppressed(serverSpan))
            {
                Drop(child);
                return;
            }

            var sampler = _tracing.LateBindingSampler;
            if (sampler is not null && sampler.IsPending(serverSpan) && !sampler.Decide(serverSpan, serverSpan.DisplayName))
            {
                Drop(child);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(ServerSpanProcessor), ex.Message);
        }
    }

    private static void Drop(Activity child)
    {
        child.IsAllDataRequested = false;
        child.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}

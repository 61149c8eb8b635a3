using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// The caller's context as ASP.NET Core hosting extracted it for a request — through the trust-aware
/// propagator, so a refused caller's context is not there — read back from the hosting Activity: its
/// parent (none for a new root) and the baggage hosting put on it.
/// </summary>
internal sealed class HostedRequestContext : IIncomingRequestContext
{
    public bool TryGet(object? carrier, out PropagationContext context)
    {
        context = default;
        if (carrier is not HttpRequest request || HostingActivityOf(request) is not { } hosting)
        {
            return false;
        }

        var parent = default(ActivityContext);
        if (hosting.ParentSpanId != default && hosting.Parent is null)
        {
            // The parent's flags travel only in hosting's W3C parent id ("00-{trace}-{span}-{flags}").
            ActivityContext.TryParse(hosting.ParentId, hosting.TraceStateString, isRemote: true, out parent);
        }

        Baggage baggage = default;
        foreach (var (key, value) in hosting.Baggage)
        {
            baggage = baggage.SetBaggage(key, value);
        }

        context = new PropagationContext(parent, baggage);
        return true;
    }

    /// <summary>
    /// The request's hosting Activity: its feature once hosting has set it; before that — while hosting
    /// writes its start event, which is when instrumentation extracts — the current Activity, which
    /// hosting has just started for this request.
    /// </summary>
    private static Activity? HostingActivityOf(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity
        ?? (Activity.Current is { Kind: ActivityKind.Server, OperationName: Hosting.HostSpanFilter.HostingActivityName } current
            && string.Equals(current.Source.Name, Hosting.HostSpanFilter.HostingSourceName, StringComparison.Ordinal) ? current : null);
}

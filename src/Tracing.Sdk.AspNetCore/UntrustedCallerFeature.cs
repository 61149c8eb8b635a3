using System.Diagnostics;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Left on a request by <see cref="TrustedContextPropagator"/> when it refused an untrusted caller's
/// context under <c>restart</c>: the context the server span links to instead of continuing.
/// </summary>
internal sealed class UntrustedCallerFeature(ActivityContext caller)
{
    /// <summary>The caller's context, without the SDK's deferred-sampling mark (a link is exported as it is).</summary>
    public ActivityContext Caller { get; } = InternalTraceState.WithoutMarker(caller);
}

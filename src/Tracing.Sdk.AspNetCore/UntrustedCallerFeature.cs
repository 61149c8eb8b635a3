using System.Diagnostics;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Left on a request by <see cref="TrustedContextPropagator"/> when it refused an untrusted caller's
/// context under <c>restart</c>: the context the server span links to instead of continuing.
/// </summary>
internal sealed class UntrustedCallerFeature(ActivityContext caller)
{
    public ActivityContext Caller { get; } = caller;
}

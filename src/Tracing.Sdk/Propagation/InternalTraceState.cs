using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The SDK's own tracestate markers (<see cref="DeferredSampling"/>, <see cref="DebugSampling"/>): facts a
/// propagator hands the sampler on the extracted context itself. They all start with <see cref="Prefix"/>,
/// a key that W3C Trace Context Level 2 §3.3.1.3.1 forbids (a key cannot start with <c>@</c>), so no
/// valid incoming <c>tracestate</c> can hold one (one that does is discarded whole) and a caller cannot
/// forge them. They never leave the process: the sampler clears them from the spans it records, the
/// server span processor from hosting's span, and injection never writes them.
/// </summary>
internal static class InternalTraceState
{
    /// <summary>The start of every SDK marker.</summary>
    public const string Prefix = "@tracing-sdk=";

    /// <summary>Whether a tracestate is one of the SDK's markers (one ordinal prefix compare; <see langword="null"/> is not).</summary>
    public static bool IsInternal(string? traceState) =>
        traceState is not null && traceState.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The tracestate to write onward: a marker never leaves the process.</summary>
    public static string? Outgoing(string? traceState) => IsInternal(traceState) ? null : traceState;

    /// <summary><paramref name="context"/> without a marker (for span links, which are exported as they are).</summary>
    public static ActivityContext WithoutMarker(in ActivityContext context) =>
        IsInternal(context.TraceState)
            ? new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags, null, context.IsRemote)
            : context;

    /// <summary>
    /// Clears a marker from a span (OpenTelemetry applies a sampler's tracestate only to spans it
    /// records, and ASP.NET Core hosting sets the extracted one after sampling), so that its children
    /// do not inherit it.
    /// </summary>
    public static void Forget(Activity? activity)
    {
        if (activity is not null && IsInternal(activity.TraceStateString))
        {
            activity.TraceStateString = null;
        }
    }
}

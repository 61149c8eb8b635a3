using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Carries "the caller made no sampling decision" from the propagator that read it to the sampler
/// that must then make one. B3 (openzipkin/b3-propagation, "Sampling State") calls it Defer: trace
/// and span ids sent with no <c>X-B3-Sampled</c> / <c>X-B3-Flags: 1</c>, or <c>b3: {trace}-{span}</c>
/// with no third field. The ids are continued; the receiver's own policy decides, not a parent flag.
/// <para>
/// <see cref="ActivityContext"/> has no "no decision" state and ASP.NET Core hosting rebuilds the
/// parent from a <c>traceparent</c> string and a <c>tracestate</c> string
/// (<see cref="DistributedContextPropagator.ExtractTraceIdAndState"/>), so the fact travels with the
/// extracted context itself, as its whole tracestate: <see cref="TraceState"/>, one of the SDK's
/// <see cref="InternalTraceState"/> markers (unforgeable by a caller, never sent onward). That reaches
/// the sampler by every road a remote parent takes (hosting, <c>TracingPropagation.Extract</c>, an
/// OpenTelemetry <c>TextMapPropagator</c> user starting a span under the extracted context) with no
/// table or thread-local state.
/// </para>
/// </summary>
internal static class DeferredSampling
{
    /// <summary>The tracestate of a remote context whose caller deferred the sampling decision.</summary>
    public const string TraceState = InternalTraceState.Prefix + "defer";

    /// <summary>A remote parent with the caller's ids and no sampling decision.</summary>
    public static ActivityContext Context(ActivityTraceId traceId, ActivitySpanId spanId) =>
        new(traceId, spanId, ActivityTraceFlags.None, TraceState, isRemote: true);

    /// <summary>Whether <paramref name="context"/> is a remote context whose caller deferred the decision.</summary>
    public static bool IsDeferred(in ActivityContext context) => context.IsRemote && IsMarker(context.TraceState);

    /// <summary>Whether a tracestate is the marker (one ordinal compare; <see langword="null"/> is not).</summary>
    public static bool IsMarker(string? traceState) => string.Equals(traceState, TraceState, StringComparison.Ordinal);

    /// <summary>
    /// The policy's decision for a span whose remote parent deferred (or whose request to force
    /// sampling was refused, <see cref="DebugSampling"/>). OpenTelemetry sets a sampler's tracestate on
    /// the span it records (an empty one clears it), so a recorded span does not keep the marker; a
    /// dropped span is left to <see cref="InternalTraceState.Forget"/>.
    /// </summary>
    public static SamplingResult Decide(Sampler policy, in SamplingParameters parameters)
    {
        var result = policy.ShouldSample(parameters);
        return result.Decision == SamplingDecision.Drop
            ? result
            : new SamplingResult(result.Decision, result.Attributes, string.Empty);
    }
}

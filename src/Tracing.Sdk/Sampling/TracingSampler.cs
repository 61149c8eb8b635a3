using System.Diagnostics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The sampler the provider runs: debug first, then the parent's decision (when parent-based), then the
/// policy for whatever is left.
/// <list type="number">
/// <item>Debug: a remote parent whose caller asked for debug (B3 <c>d</c>/<c>X-B3-Flags: 1</c>, Jaeger flag
/// 0x2, <c>jaeger-debug-id</c>: <see cref="DebugSampling"/>, on the context), a hosting root entry span whose
/// request asked for a new debug root (<see cref="HostingRootDebug"/>), or a local child of a span tagged
/// debug. A caller's request is honoured when the caller is trusted or the host's debug budget has a
/// credit (<see cref="DebugSamplingGate"/>); it is then sampled whatever the policy, and tagged
/// <c>sampler.debug=true</c> (plus <c>jaeger-debug-id</c> when there is one). A refused request counts
/// as if the header had not been sent: the caller's own sampled flag, if it sent one, or else the
/// policy, as for a deferred parent.</item>
/// <item>Deferred: a remote parent whose caller made no sampling decision (B3 "defer", see
/// <see cref="DeferredSampling"/>) is decided by the policy, parent-based or not; its ids are still continued.</item>
/// <item>Parent-based: a parent's sampled flag decides for its child, remote or local, as
/// OpenTelemetry's ParentBased sampler with its default delegates.</item>
/// <item>Otherwise (a root, or every span when not parent-based) the policy decides.</item>
/// </list>
/// Nothing here takes a lock or reads process-wide state on the way to an ordinary decision; the only
/// process-wide fact is a write-once flag that some span was sampled as debug
/// (<see cref="DebugSampling.AnySampled"/>), which turns on the local-parent check.
/// With a late-binding policy, a child started under an entry span that is still pending (the
/// integration has not called <see cref="ILateBindingSampler.Decide"/> yet, or is not there) first
/// has the entry span decided by its current name, so that no child ever follows a tentative flag.
/// </summary>
internal sealed class TracingSampler : Sampler
{
    private static readonly SamplingResult s_sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult s_dropped = new(SamplingDecision.Drop);
    private static readonly SamplingResult s_sampledClearingMarker = new(SamplingDecision.RecordAndSample, string.Empty);
    private static readonly SamplingResult s_debug = new(
        SamplingDecision.RecordAndSample,
        [new KeyValuePair<string, object>(DebugSampling.SpanTag, true)]);

    private static readonly SamplingResult s_debugClearingMarker = new(
        SamplingDecision.RecordAndSample,
        [new KeyValuePair<string, object>(DebugSampling.SpanTag, true)],
        string.Empty);

    private readonly ILateBindingSampler? _lateBinding;

    /// <summary>A sampler with the default debug budget on the system clock, counting refusals nowhere (tests, benchmarks).</summary>
    public TracingSampler(Sampler policy, bool parentBased)
        : this(policy, parentBased, new DebugSamplingGate(new DebugSamplerOptions(), TimeProvider.System, metrics: null))
    {
    }

    public TracingSampler(Sampler policy, bool parentBased, DebugSamplingGate debugGate)
    {
        Policy = policy;
        ParentBased = parentBased;
        DebugGate = debugGate;
        _lateBinding = policy as ILateBindingSampler;
        Description = parentBased ? $"ParentBased{{{policy.Description}}}" : policy.Description;
    }

    public DebugSamplingGate DebugGate { get; }

    public Sampler Policy { get; }

    public bool ParentBased { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId == default)
        {
            return HostingRootDebug.TryTake(DebugGate, samplingParameters, out var rootDebugId, out var rootTrusted)
                && DebugGate.Admit(rootTrusted)
                ? Debug(rootDebugId, clearMarker: false)
                : Policy.ShouldSample(samplingParameters);
        }

        if (parent.IsRemote)
        {
            // One reference check for every remote parent without a tracestate; a prefix compare otherwise.
            if (parent.TraceState is not null && DebugSampling.TryRead(parent.TraceState, out var trusted, out var debugId))
            {
                if (DebugGate.Admit(trusted))
                {
                    return Debug(debugId, clearMarker: true);
                }

                // Refused: as if no debug header had come, the caller's own sampled flag, else no decision.
                if ((parent.TraceFlags & ActivityTraceFlags.Recorded) == 0 || !ParentBased)
                {
                    return DeferredSampling.Decide(Policy, samplingParameters);
                }

                return s_sampledClearingMarker;
            }

            if (DeferredSampling.IsDeferred(parent))
            {
                return DeferredSampling.Decide(Policy, samplingParameters);
            }
        }
        else
        {
            if (DebugSampling.AnySampled && IsDebugLocalParent(parent))
            {
                return s_debug;
            }

            if (_lateBinding is not null && TryDecidePendingParent(parent, out var parentSampled) && ParentBased)
            {
                return parentSampled ? s_sampled : s_dropped;
            }
        }

        if (ParentBased)
        {
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? s_sampled : s_dropped;
        }

        return Policy.ShouldSample(samplingParameters);
    }

    /// <summary>
    /// A debug decision. OpenTelemetry sets a recorded span's tracestate from the sampler's (empty clears
    /// it), which is how a remote parent's debug marker is kept off the span and its children.
    /// </summary>
    private static SamplingResult Debug(string? debugId, bool clearMarker)
    {
        DebugSampling.NoteSampled();
        if (string.IsNullOrEmpty(debugId))
        {
            return clearMarker ? s_debugClearingMarker : s_debug;
        }

        KeyValuePair<string, object>[] tags = [new(DebugSampling.SpanTag, true), new(DebugSampling.DebugIdTag, debugId)];
        return clearMarker
            ? new SamplingResult(SamplingDecision.RecordAndSample, tags, string.Empty)
            : new SamplingResult(SamplingDecision.RecordAndSample, tags);
    }

    /// <summary>
    /// Decides the parent now if it is a pending entry span (see the class remarks). The parent's flags
    /// in <paramref name="parent"/> were read when this child's creation began and may be the tentative
    /// ones, so an entry parent is judged by the live span: its decision (made here, or awaited when
    /// another thread is making it) or, once decided, its recorded flag.
    /// </summary>
    private bool TryDecidePendingParent(in ActivityContext parent, out bool sampled)
    {
        sampled = false;
        var current = Activity.Current;
        if (current is null
            || current.Kind != ActivityKind.Server
            || !string.Equals(current.OperationName, LateBinding.EntrySpanName, StringComparison.Ordinal)
            || current.SpanId != parent.SpanId)
        {
            return false;
        }

        sampled = _lateBinding!.IsPending(current) ? _lateBinding.Decide(current, current.DisplayName) : current.Recorded;
        return true;
    }

    /// <summary>
    /// The parent of a local span is normally <see cref="Activity.Current"/> (an explicit parent context
    /// that is not current cannot be inspected, and is then judged by its flags alone).
    /// </summary>
    private static bool IsDebugLocalParent(in ActivityContext parent) =>
        Activity.Current is { } current
        && current.SpanId == parent.SpanId
        && current.TraceId == parent.TraceId
        && current.GetTagItem(DebugSampling.SpanTag) is true;
}

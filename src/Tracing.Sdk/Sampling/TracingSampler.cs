using System.Diagnostics;
using OpenTelemetry.Trace;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The sampler the provider runs: debug first, then the parent's decision (when parent-based), then the
/// policy for whatever is left.
/// <list type="number">
/// <item>Debug: a remote parent the propagator marked debug (B3 <c>d</c>/<c>X-B3-Flags: 1</c>, Jaeger flag
/// 0x2, <c>jaeger-debug-id</c>), a root started after a lone <c>jaeger-debug-id</c>, or a local child of a
/// span tagged debug is sampled whatever the policy, and tagged <c>sampler.debug=true</c> (plus
/// <c>jaeger-debug-id</c> when there is one).</item>
/// <item>Deferred: a remote parent whose caller made no sampling decision (B3 "defer", see
/// <see cref="DeferredSampling"/>) is decided by the policy, parent-based or not; its ids are still continued.</item>
/// <item>Parent-based: a parent's sampled flag decides for its child, remote or local, as
/// OpenTelemetry's ParentBased sampler with its default delegates.</item>
/// <item>Otherwise (a root, or every span when not parent-based) the policy decides.</item>
/// </list>
/// With a late-binding policy, a child started under an entry span that is still pending (the
/// integration has not called <see cref="ILateBindingSampler.Decide"/> yet, or is not there) first
/// has the entry span decided by its current name, so that no child ever follows a tentative flag.
/// </summary>
internal sealed class TracingSampler : Sampler
{
    private static readonly SamplingResult s_sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult s_dropped = new(SamplingDecision.Drop);
    private static readonly SamplingResult s_debug = new(
        SamplingDecision.RecordAndSample,
        [new KeyValuePair<string, object>(DebugContext.SpanTag, true)]);

    // Set once any span in the process was sampled as debug: until then a local parent cannot be
    // debug, and its check (a look at Activity.Current's tags) is skipped.
    private static int s_debugSeen;

    private readonly ILateBindingSampler? _lateBinding;

    public TracingSampler(Sampler policy, bool parentBased)
    {
        Policy = policy;
        ParentBased = parentBased;
        _lateBinding = policy as ILateBindingSampler;
        Description = parentBased ? $"ParentBased{{{policy.Description}}}" : policy.Description;
    }

    public Sampler Policy { get; }

    public bool ParentBased { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId == default)
        {
            return DebugContext.TryTakeNextRoot(samplingParameters.Kind, out var rootDebugId)
                ? Debug(rootDebugId)
                : Policy.ShouldSample(samplingParameters);
        }

        if (parent.IsRemote)
        {
            if (DebugContext.IsDebugParent(parent, out var debugId))
            {
                return Debug(debugId);
            }

            if (DeferredSampling.IsDeferred(parent))
            {
                return DeferredSampling.Decide(Policy, samplingParameters);
            }
        }
        else
        {
            if (Volatile.Read(ref s_debugSeen) != 0 && IsDebugLocalParent(parent))
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

    private static SamplingResult Debug(string? debugId)
    {
        Volatile.Write(ref s_debugSeen, 1);
        return string.IsNullOrEmpty(debugId)
            ? s_debug
            : new SamplingResult(
                SamplingDecision.RecordAndSample,
                [new KeyValuePair<string, object>(DebugContext.SpanTag, true), new KeyValuePair<string, object>(DebugContext.DebugIdTag, debugId)]);
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
        && current.GetTagItem(DebugContext.SpanTag) is true;
}

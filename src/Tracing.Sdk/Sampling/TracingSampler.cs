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
/// <item>Parent-based: a parent's sampled flag decides for its child, remote or local, as
/// OpenTelemetry's ParentBased sampler with its default delegates.</item>
/// <item>Otherwise (a root, or every span when not parent-based) the policy decides.</item>
/// </list>
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

    public TracingSampler(Sampler policy, bool parentBased)
    {
        Policy = policy;
        ParentBased = parentBased;
        Description = parentBased ? $"ParentBased{{{policy.Description}}}" : policy.Description;
    }

    public Sampler Policy { get; }

    public bool ParentBased { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId == default)
        {
            return DebugContext.TryTakeNextRoot(out var rootDebugId)
                ? Debug(rootDebugId)
                : Policy.ShouldSample(samplingParameters);
        }

        if (parent.IsRemote)
        {
            if (DebugContext.IsDebugParent(parent, out var debugId))
            {
                return Debug(debugId);
            }
        }
        else if (Volatile.Read(ref s_debugSeen) != 0 && IsDebugLocalParent(parent))
        {
            return s_debug;
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
    /// The parent of a local span is normally <see cref="Activity.Current"/> (an explicit parent context
    /// that is not current cannot be inspected, and is then judged by its flags alone).
    /// </summary>
    private static bool IsDebugLocalParent(in ActivityContext parent) =>
        Activity.Current is { } current
        && current.SpanId == parent.SpanId
        && current.TraceId == parent.TraceId
        && current.GetTagItem(DebugContext.SpanTag) is true;
}

using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The propagators' side of <see cref="DebugContext"/>: they mark what they extract as debug, and on
/// inject ask whether a span is debug. Until a debug context has been seen in the process, asking
/// costs one volatile read.
/// </summary>
internal static class DebugPropagation
{
    private static volatile bool s_seen;

    /// <summary>A remote parent propagated as debug (B3 <c>d</c> / <c>X-B3-Flags: 1</c>, Jaeger flag <c>0x2</c>, <c>jaeger-debug-id</c>).</summary>
    public static void MarkRemoteParent(ActivityTraceId traceId, ActivitySpanId spanId, string? debugId)
    {
        s_seen = true;
        DebugContext.MarkRemoteParent(traceId, spanId, debugId);
    }

    /// <summary>A debug request without a parent: the next root span on this thread is debug.</summary>
    public static void MarkNextRoot(string debugId)
    {
        s_seen = true;
        DebugContext.MarkNextRoot(debugId);
    }

    /// <summary>
    /// Whether <paramref name="span"/> is to be propagated as debug: it or a local ancestor in the
    /// same trace carries <see cref="DebugContext.SpanTag"/>, or the local root's remote parent was
    /// marked debug when it was extracted.
    /// </summary>
    public static bool IsDebug(Activity? span)
    {
        if (!s_seen || span is null)
        {
            return false;
        }

        var traceId = span.TraceId;
        Activity? root = null;
        for (var current = span; current is not null && current.TraceId == traceId; current = current.Parent)
        {
            if (current.GetTagItem(DebugContext.SpanTag) is true or "true")
            {
                return true;
            }

            root = current;
        }

        // The local root's parent is remote when it has a parent id but no parent object in this process.
        return root is not null && root.Parent is null && root.ParentSpanId != default
            && DebugContext.IsDebugParent(new ActivityContext(traceId, root.ParentSpanId, root.ActivityTraceFlags, null, isRemote: true), out _);
    }
}

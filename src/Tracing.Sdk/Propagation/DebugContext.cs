using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Carries "this trace was propagated as debug" (B3 <c>d</c> / <c>X-B3-Flags: 1</c>, Jaeger flag
/// <c>0x2</c>, <c>jaeger-debug-id</c>) from the propagator that read it to the sampler that must
/// honour it: W3C <c>traceparent</c> and <see cref="ActivityContext"/> have no debug flag.
/// <para>
/// A remote parent is remembered by its ids (a bounded table: debug is rare, and a lost entry only
/// costs the debug mark, never correctness of ids); a <c>jaeger-debug-id</c> that arrives without a
/// parent applies to the next root entry span (server or consumer) sampled on the same thread within a
/// second, which is how both ASP.NET Core hosting and the messaging helpers call extract-then-start.
/// </para>
/// A span that is debug carries <see cref="SpanTag"/> = <see langword="true"/>; propagators inject
/// the debug form for such spans; the sampler sets it on the children of a debug parent.
/// </summary>
internal static class DebugContext
{
    /// <summary>Tag on a span that was sampled because it is debug.</summary>
    public const string SpanTag = "sampler.debug";

    /// <summary>Tag holding the <c>jaeger-debug-id</c> value, as Jaeger clients record it.</summary>
    public const string DebugIdTag = "jaeger-debug-id";

    private const int Capacity = 1024;

    private static readonly object s_lock = new();
    private static readonly Dictionary<(ActivityTraceId, ActivitySpanId), string?> s_marked = [];
    private static readonly Queue<(ActivityTraceId, ActivitySpanId)> s_order = new();
    private static int s_count;

    // A pending root mark is honoured only by an entry span (server or consumer: where a caller's
    // context arrives) started within a second on the same thread, so that a mark nobody took (an
    // extraction not followed by a span) cannot make some later, unrelated root debug.
    private static readonly long s_nextRootFreshFor = Stopwatch.Frequency;

    [ThreadStatic]
    private static string? t_nextRootDebugId;

    [ThreadStatic]
    private static long t_nextRootMarkedAt;

    /// <summary>Remembers that the remote parent with these ids was propagated as debug.</summary>
    public static void MarkRemoteParent(ActivityTraceId traceId, ActivitySpanId spanId, string? debugId = null)
    {
        lock (s_lock)
        {
            var key = (traceId, spanId);
            if (!s_marked.ContainsKey(key))
            {
                if (s_order.Count >= Capacity)
                {
                    s_marked.Remove(s_order.Dequeue());
                }

                s_order.Enqueue(key);
            }

            s_marked[key] = debugId;
            Volatile.Write(ref s_count, s_marked.Count);
        }
    }

    /// <summary>A <c>jaeger-debug-id</c> with no parent: the next root span sampled on this thread is debug.</summary>
    public static void MarkNextRoot(string debugId)
    {
        t_nextRootDebugId = debugId;
        t_nextRootMarkedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Whether <paramref name="parent"/> (a remote parent) was propagated as debug. Free when no debug context was ever seen.</summary>
    public static bool IsDebugParent(in ActivityContext parent, out string? debugId)
    {
        debugId = null;
        if (Volatile.Read(ref s_count) == 0 || parent.TraceId == default)
        {
            return false;
        }

        lock (s_lock)
        {
            return s_marked.TryGetValue((parent.TraceId, parent.SpanId), out debugId);
        }
    }

    /// <summary>
    /// Takes the pending <c>jaeger-debug-id</c> for an entry span (<paramref name="kind"/> server or
    /// consumer) starting as a root on this thread, if it was marked within the last second.
    /// </summary>
    public static bool TryTakeNextRoot(ActivityKind kind, out string debugId)
    {
        debugId = t_nextRootDebugId!;
        if (debugId is null || kind is not (ActivityKind.Server or ActivityKind.Consumer))
        {
            return false;
        }

        t_nextRootDebugId = null;
        return Stopwatch.GetTimestamp() - t_nextRootMarkedAt <= s_nextRootFreshFor;
    }

    /// <summary>Forgets a pending root mark (extraction produced a parent after all, or the request ended).</summary>
    public static void ClearNextRoot() => t_nextRootDebugId = null;
}

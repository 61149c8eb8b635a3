using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>Assertions on a trace as the collector received it.</summary>
public static class TraceAssert
{
    /// <summary>
    /// Every span's parent is a span the collector received, or one of <paramref name="incoming"/>
    /// (the context the trace came in with from outside, e.g. a grpc-js caller); only the root may
    /// have no parent. A span whose parent is neither hangs loose in a trace view.
    /// </summary>
    public static void Connected(IReadOnlyList<ReceivedSpan> trace, params string[] incoming)
    {
        Assert.NotEmpty(trace);
        var ids = trace.Select(s => s.SpanId).Concat(incoming).ToHashSet(StringComparer.Ordinal);
        var loose = trace.Where(s => s.ParentSpanId.Length > 0 && !ids.Contains(s.ParentSpanId)).ToList();
        Assert.True(loose.Count == 0, "spans whose parent was never exported: " + string.Join(", ", loose.Select(s => $"{s.Name} ({s.ScopeName}) -> {s.ParentSpanId}")));
        Assert.True(trace.Count(s => s.ParentSpanId.Length == 0) <= 1, "more than one root: " + string.Join(", ", trace.Where(s => s.ParentSpanId.Length == 0).Select(s => s.Name)));
    }
}

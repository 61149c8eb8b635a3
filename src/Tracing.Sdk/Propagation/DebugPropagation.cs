using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The propagators' inject side of <see cref="DebugSampling"/>: whether a span is to be propagated as
/// debug. Until a span in the process was sampled as debug, asking costs one volatile read.
/// </summary>
internal static class DebugPropagation
{
    /// <summary>
    /// Whether <paramref name="span"/> or a local ancestor in the same trace carries
    /// <see cref="DebugSampling.SpanTag"/> (the sampler sets it on every span it samples as debug, the
    /// entry span of an honoured request included).
    /// </summary>
    public static bool IsDebug(Activity? span)
    {
        if (!DebugSampling.AnySampled || span is null)
        {
            return false;
        }

        var traceId = span.TraceId;
        for (var current = span; current is not null && current.TraceId == traceId; current = current.Parent)
        {
            if (current.GetTagItem(DebugSampling.SpanTag) is true or "true")
            {
                return true;
            }
        }

        return false;
    }
}

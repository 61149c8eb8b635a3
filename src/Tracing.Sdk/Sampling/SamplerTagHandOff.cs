using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Carries a policy's <c>sampler.type</c>/<c>sampler.param</c> from the sampling decision to the span it
/// was made for, without OpenTelemetry's sampling attributes: returned as sampling attributes, .NET
/// allocates a tag collection for every kept root (<c>ActivityCreationOptions.SamplingTags</c>, about
/// 310 B and 100 ns) before copying the tags onto the new Activity. Instead the provider's sampler
/// (<see cref="Hold"/>) keeps the policy's precomputed list in a per-thread slot and gives OpenTelemetry the
/// same decision without attributes; the provider's first processor (a <see cref="Hosting.HostBoundProcessor"/>)
/// adds the two tags to the Activity in <c>OnStart</c>. .NET samples and starts an Activity on the
/// thread that asked for it, before anyone else can see it, so no second writer races the tags, and
/// the slot names the span it is for (trace id and parent span id), so a decision whose span was not
/// started (an Activity created but never started, or started elsewhere) never tags another span.
/// </summary>
internal static class SamplerTagHandOff
{
    [ThreadStatic]
    private static Slot? t_slot;

    // Parent-based samplers (the default) decide a span whose parent is local from the parent alone,
    // without tags. Set (process-wide, never reset) by the first decision that holds tags for such a
    // span — a sampler that is not parent-based; until then Apply skips spans with a local parent.
    private static bool s_localChildrenMayCarryTags;

    /// <summary>
    /// What to return to OpenTelemetry for <paramref name="result"/>: a decision carrying a policy's tags
    /// is returned without them and the tags are held for the span; anything else as it is.
    /// </summary>
    public static SamplingResult Hold(in SamplingParameters parameters, in SamplingResult result)
    {
        if (result.Attributes is SamplerTagList tags && result.Decision == SamplingDecision.RecordAndSample)
        {
            var parentContext = parameters.ParentContext;
            if (parentContext.TraceId != default && !parentContext.IsRemote && !s_localChildrenMayCarryTags)
            {
                // A policy deciding a span with a local parent (a sampler that is not parent-based):
                // from now on Apply looks at such spans too.
                Volatile.Write(ref s_localChildrenMayCarryTags, true);
            }

            var slot = t_slot ??= new Slot();
            slot.Tags = tags;
            slot.TraceId = parameters.TraceId;
            slot.ParentSpanId = parentContext.SpanId;
            return result.TraceStateString is null ? Slot.SampledWithoutTags : new SamplingResult(result.Decision, result.TraceStateString);
        }

        // A decision without tags for a span with a local parent leaves the slot alone (no thread-static
        // access, a few ns on every child span). What the slot holds is for a root or a remote parent's
        // child, which no span with a local parent can be taken for (its parent span id is a local
        // span's) — or, under a sampler that is not parent-based, for a sibling: siblings under one local
        // parent are all decided alike (all debug, or all by the policy, whose kept spans carry tags), so
        // none is started with this decision's tags. Any other decision without tags empties it.
        var parent = parameters.ParentContext;
        if (parent.TraceId == default || parent.IsRemote)
        {
            var slot = t_slot;
            if (slot is not null)
            {
                slot.Tags = null;
            }
        }

        return result;
    }

    /// <summary>Adds the tags held for <paramref name="activity"/>, if any, and empties the slot.</summary>
    public static void Apply(Activity activity)
    {
        if (activity.Parent is not null && !Volatile.Read(ref s_localChildrenMayCarryTags))
        {
            return;
        }

        var slot = t_slot;
        if (slot?.Tags is not { } tags
            || activity.TraceId != slot.TraceId
            || activity.ParentSpanId != slot.ParentSpanId)
        {
            return;
        }

        slot.Tags = null;
        activity.AddTag(SamplerTags.Type, tags.Type);
        activity.AddTag(SamplerTags.Param, tags.Param);
    }

    private sealed class Slot
    {
        public static readonly SamplingResult SampledWithoutTags = new(SamplingDecision.RecordAndSample);

        public SamplerTagList? Tags;
        public ActivityTraceId TraceId;
        public ActivitySpanId ParentSpanId;
    }
}

using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The sampler's side of <see cref="ILateBindingSampler"/>. ASP.NET Core hosting creates its server span
/// before routing, always named <see cref="EntrySpanName"/>; a policy that keys on the operation name
/// records such a span tentatively, marked with <see cref="PendingTag"/> (whose value is the span's own
/// <see cref="EntryDecision"/>), and decides it in <see cref="Decide"/> once the integration knows the
/// route — or a child's sampler does first. Whoever comes first decides; the others get the same answer.
/// </summary>
internal static class LateBinding
{
    /// <summary>The name ASP.NET Core hosting gives its request Activity (HostingApplicationDiagnostics.ActivityName).</summary>
    public const string EntrySpanName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    /// <summary>Marks a span recorded tentatively; removed when it is decided.</summary>
    public const string PendingTag = "sampler.pending";

    /// <summary>
    /// The tentative decision: recorded and sampled, so the span is fully built until decided, with a
    /// decision state of its own (one per span: the state is what makes the decision happen once).
    /// </summary>
    public static SamplingResult Pending() => new(
        SamplingDecision.RecordAndSample,
        [new KeyValuePair<string, object>(PendingTag, new EntryDecision())]);

    /// <summary>
    /// Whether a span reaching the policy is an ASP.NET Core entry span (the policy only sees roots, or
    /// every span when <c>ParentBased</c> is off). SamplingParameters carries no source, but the name is
    /// hosting's own and the kind is Server.
    /// </summary>
    public static bool IsEntrySpan(in SamplingParameters parameters) =>
        parameters.Kind == ActivityKind.Server && string.Equals(parameters.Name, EntrySpanName, StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="activity"/> still awaits its final decision: not decided, or being decided
    /// by another thread right now (then <see cref="Decide"/> waits for that outcome).
    /// </summary>
    public static bool IsPending(Activity activity) => activity.GetTagItem(PendingTag) is EntryDecision;

    /// <summary>
    /// Decides a pending span by <paramref name="operationName"/>: keeps it sampled with the policy's
    /// tags, or clears its recorded flag and data request so that it is not exported and its children
    /// (parent-based) are dropped. Exactly one caller asks the policy (<see cref="EntryDecision.TryClaim"/>);
    /// a concurrent caller returns that caller's outcome, and a span that is not pending is left as it is.
    /// </summary>
    public static bool Decide(Activity activity, string operationName, IOperationSampler policy)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetTagItem(PendingTag) is not EntryDecision decision)
        {
            return activity.Recorded;
        }

        if (!decision.TryClaim())
        {
            return decision.WaitForOutcome(activity);
        }

        var sampled = false;
        try
        {
            var result = policy.SampleOperation(activity.TraceId, operationName ?? string.Empty);
            sampled = result.Decision == SamplingDecision.RecordAndSample;
            if (sampled)
            {
                foreach (var attribute in result.Attributes)
                {
                    activity.SetTag(attribute.Key, attribute.Value);
                }
            }
            else
            {
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                activity.IsAllDataRequested = false;
            }

            activity.SetTag(PendingTag, null);
        }
        finally
        {
            // Published even if the policy threw, so that no waiter is left spinning; the span keeps
            // its tentative (recorded) flags then, as it would have had the decision never come.
            decision.Publish(sampled || activity.Recorded);
        }

        return sampled;
    }
}

using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The sampler's side of <see cref="ILateBindingSampler"/>. ASP.NET Core hosting creates its server span
/// before routing, always named <see cref="EntrySpanName"/>; a policy that keys on the operation name
/// records such a span tentatively, marked with <see cref="PendingTag"/>, and decides it in
/// <see cref="Decide"/> once the integration knows the route.
/// </summary>
internal static class LateBinding
{
    /// <summary>The name ASP.NET Core hosting gives its request Activity (HostingApplicationDiagnostics.ActivityName).</summary>
    public const string EntrySpanName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    /// <summary>Marks a span recorded tentatively; removed when it is decided.</summary>
    public const string PendingTag = "sampler.pending";

    /// <summary>The tentative decision: recorded and sampled, so the span is fully built until decided.</summary>
    public static readonly SamplingResult Pending = new(
        SamplingDecision.RecordAndSample,
        [new KeyValuePair<string, object>(PendingTag, true)]);

    /// <summary>
    /// Whether a span reaching the policy is an ASP.NET Core entry span (the policy only sees roots, or
    /// every span when <c>ParentBased</c> is off). SamplingParameters carries no source, but the name is
    /// hosting's own and the kind is Server.
    /// </summary>
    public static bool IsEntrySpan(in SamplingParameters parameters) =>
        parameters.Kind == ActivityKind.Server && string.Equals(parameters.Name, EntrySpanName, StringComparison.Ordinal);

    public static bool IsPending(Activity activity) => activity.GetTagItem(PendingTag) is not null;

    /// <summary>
    /// Decides a pending span by <paramref name="operationName"/>: keeps it sampled with the policy's
    /// tags, or clears its recorded flag and data request so that it is not exported and its children
    /// (parent-based) are dropped. A span that is not pending is left as it is.
    /// </summary>
    public static bool Decide(Activity activity, string operationName, IOperationSampler policy)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!IsPending(activity))
        {
            return activity.Recorded;
        }

        activity.SetTag(PendingTag, null);
        var result = policy.SampleOperation(activity.TraceId, operationName ?? string.Empty);
        if (result.Decision == SamplingDecision.RecordAndSample)
        {
            foreach (var attribute in result.Attributes)
            {
                activity.SetTag(attribute.Key, attribute.Value);
            }

            return true;
        }

        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        activity.IsAllDataRequested = false;
        return false;
    }
}

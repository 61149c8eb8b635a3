using System.Diagnostics;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// A policy that keys on the operation name (per-operation, remote per-operation) cannot decide a
/// server span at creation: ASP.NET Core creates it before routing, named
/// <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c>. Such a policy records the entry span
/// tentatively and the ASP.NET Core integration calls <see cref="Decide"/> once the endpoint is
/// selected and before any child span or outgoing call can observe the flags (late binding).
/// </summary>
internal interface ILateBindingSampler
{
    /// <summary>Whether <paramref name="activity"/> was recorded tentatively and still awaits <see cref="Decide"/>.</summary>
    bool IsPending(Activity activity);

    /// <summary>
    /// Decides <paramref name="activity"/> (a root entry span) by <paramref name="operationName"/>:
    /// keeps it sampled (setting the sampler tags) or clears its recorded flag so that it and its
    /// children are dropped. Returns whether it is sampled. Calling it twice has no further effect.
    /// </summary>
    bool Decide(Activity activity, string operationName);
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Which host's ASP.NET Core request is about to get its server span on this thread. Hosting asks its
/// own <see cref="DiagnosticListener"/> <c>IsEnabled("...HttpRequestIn", httpContext)</c>, extracts the
/// caller's context and creates the Activity, all on one thread; the SDK's observer notes the host
/// there (<see cref="Note"/>), and the samplers read the note: the owner takes it, every other host in
/// the process leaves that request alone, and a request nobody noted (a web host without tracing in
/// the same process) is sampled by no one. A note older than a second is ignored.
/// </summary>
internal static class StartingRequestOwner
{
    private static readonly long s_freshFor = Stopwatch.Frequency;
    private static readonly ConcurrentDictionary<ActivitySource, bool> s_observed = new();

    [ThreadStatic]
    private static ActivitySource? t_hostingSource;

    [ThreadStatic]
    private static long t_timestamp;

    /// <summary>Declares that <paramref name="hostingSource"/>'s requests are noted from now on.</summary>
    public static void Observe(ActivitySource hostingSource) => s_observed[hostingSource] = true;

    /// <summary>Stops expecting notes for <paramref name="hostingSource"/>.</summary>
    public static void Forget(ActivitySource hostingSource) => s_observed.TryRemove(hostingSource, out _);

    /// <summary>Notes that the request starting on this thread is <paramref name="hostingSource"/>'s.</summary>
    public static void Note(ActivitySource hostingSource)
    {
        t_hostingSource = hostingSource;
        t_timestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Whether the server span being sampled now is a request of the host whose hosting source is
    /// <paramref name="hostingSource"/> (null for a host that serves no requests). The owner takes the note.
    /// </summary>
    public static bool IsOwnedBy(ActivitySource? hostingSource)
    {
        var noted = t_hostingSource is { } source && Stopwatch.GetTimestamp() - t_timestamp <= s_freshFor ? source : null;
        if (hostingSource is null)
        {
            return false;
        }

        if (ReferenceEquals(noted, hostingSource))
        {
            t_hostingSource = null;
            return true;
        }

        // No note and no observer for this host (its middleware never ran): judge by nothing, sample as before.
        return noted is null && !s_observed.ContainsKey(hostingSource);
    }
}

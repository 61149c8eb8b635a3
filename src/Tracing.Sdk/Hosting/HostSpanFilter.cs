using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Decides which spans belong to this host when several hosts with tracing share a process (services
/// side by side in one process, parallel integration tests). An <see cref="ActivityListener"/> sees
/// every source of its name in the process, so without this each host would export the others' spans.
/// A span belongs to the host whose ASP.NET Core request it runs under (each host has its own
/// <c>Microsoft.AspNetCore</c> <see cref="ActivitySource"/> instance); failing that, to the hosts
/// whose <c>Sources</c> name the nearest user source above it; failing that, to every host.
/// A web host without tracing in the same process (an embedded admin server, a test collector) owns
/// its own requests too: they are never exported as this service's. The cost is a walk up the local
/// parent chain, a few nanoseconds per level.
/// </summary>
internal sealed class HostSpanFilter
{
    public const string HostingSourceName = "Microsoft.AspNetCore";

    private static int s_liveHosts;

    private readonly ActivitySource? _hostingSource;
    private readonly SourceMatcher _sources;
    private readonly ConcurrentDictionary<ActivitySource, bool> _listensTo = new();

    public HostSpanFilter(ActivitySource? hostingSource, SourceMatcher sources)
    {
        _hostingSource = hostingSource;
        _sources = sources;
    }

    public static int LiveHosts => Volatile.Read(ref s_liveHosts);

    /// <summary>Counts a started host until the returned handle is disposed.</summary>
    public static IDisposable TrackHost()
    {
        Interlocked.Increment(ref s_liveHosts);
        return new HostHandle();
    }

    public bool Owns(Activity activity)
    {
        var severalHosts = Volatile.Read(ref s_liveHosts) > 1;
        bool? bySource = null;
        for (var current = activity; current is not null; current = current.Parent)
        {
            var source = current.Source;
            if (string.Equals(source.Name, HostingSourceName, StringComparison.Ordinal))
            {
                return ReferenceEquals(source, _hostingSource);
            }

            if (severalHosts && bySource is null && !IsShared(source.Name))
            {
                bySource = _listensTo.GetOrAdd(source, static (s, matcher) => matcher.Matches(s.Name), _sources);
            }
        }

        return bySource ?? true;
    }

    /// <summary>Sources every host listens to, which therefore say nothing about whose span it is.</summary>
    private static bool IsShared(string sourceName) =>
        sourceName.Length == 0
        || string.Equals(sourceName, "System.Net.Http", StringComparison.Ordinal)
        || sourceName.StartsWith("Tracing.Sdk", StringComparison.Ordinal);

    private sealed class HostHandle : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref s_liveHosts);
            }
        }
    }
}

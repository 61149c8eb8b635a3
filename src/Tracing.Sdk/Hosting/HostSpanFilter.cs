using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Decides which spans belong to this host when several hosts with tracing share a process (services
/// side by side in one process, parallel integration tests). An <see cref="ActivityListener"/> sees
/// every source of its name in the process, so without this each host would export the others' spans.
/// <list type="number">
/// <item>A span under an ASP.NET Core request belongs to that request's host: each web host has its own
/// <c>Microsoft.AspNetCore</c> <see cref="ActivitySource"/> instance. A web host without tracing in the
/// same process (an embedded admin server, a test collector) thus keeps its requests to itself.</item>
/// <item>Otherwise, with several hosts, to the hosts that listen to the nearest user source above it
/// (named in <c>Sources</c>, or added to the provider the OpenTelemetry way).</item>
/// <item>Otherwise to none: a span under no request and no source of anyone's (a test calling a
/// service; an HttpClient call from a background loop, which should run under a span of the host's own
/// source to be attributed) is not exported as any host's, though it is sampled, so that the context it
/// sends carries a decision. (.NET's execution context cannot say which host's hosted service runs:
/// the host starts each in an async call of its own.) With a single host in the process, every span is
/// its own, as without this filter.</item>
/// </list>
/// The cost is a walk up the local parent chain, a few nanoseconds per level.
/// </summary>
internal sealed class HostSpanFilter : IDisposable
{
    public const string HostingSourceName = "Microsoft.AspNetCore";

    /// <summary>The operation name of ASP.NET Core hosting's server Activity.</summary>
    public const string HostingActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly object s_hostsLock = new();
    private static readonly List<HostSpanFilter> s_hosts = [];
    private static int s_liveHosts;

    private readonly ActivitySource? _hostingSource;
    private readonly SourceMatcher _sources;
    private readonly ConcurrentDictionary<ActivitySource, bool> _listensTo = new();
    private int _disposed;

    /// <summary>Creates the filter of a started host and counts the host as live until <see cref="Dispose"/>.</summary>
    public HostSpanFilter(ActivitySource? hostingSource, SourceMatcher sources)
    {
        _hostingSource = hostingSource;
        _sources = sources;
        lock (s_hostsLock)
        {
            s_hosts.Add(this);
            Volatile.Write(ref s_liveHosts, s_hosts.Count);
        }
    }

    public static int LiveHosts => Volatile.Read(ref s_liveHosts);

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
                if (ReferenceEquals(current, activity))
                {
                    // Its events reach this host's processors only because this host's provider listens
                    // to its source — named in Sources or added the OpenTelemetry way (AddSource on the
                    // builder, ConfigureOpenTelemetryTracerProvider): remember that for its children.
                    if (!_listensTo.TryGetValue(source, out var known) || !known)
                    {
                        _listensTo[source] = true;
                    }

                    bySource = true;
                }
                else
                {
                    bySource = _listensTo.GetOrAdd(source, static (s, matcher) => matcher.Matches(s.Name), _sources);
                }
            }
        }

        return !severalHosts || (bySource ?? false);
    }

    /// <summary>
    /// Whether a span about to be sampled is definitely not this host's (see <see cref="HostScopedSampler"/>).
    /// Only sure cases count; a span that might be this host's is not foreign.
    /// </summary>
    public bool IsForeign(in SamplingParameters parameters)
    {
        var parent = parameters.ParentContext;
        var local = parent.TraceId != default && !parent.IsRemote;
        if (!local && parameters.Kind == ActivityKind.Server && string.Equals(parameters.Name, HostingActivityName, StringComparison.Ordinal))
        {
            // An ASP.NET Core request: this host's only if its own hosting noted it just now.
            return !StartingRequestOwner.IsOwnedBy(_hostingSource);
        }

        if (Volatile.Read(ref s_liveHosts) <= 1)
        {
            return false;
        }

        if (local)
        {
            // A local parent is normally Activity.Current (an explicit one cannot be inspected): the
            // request it runs under, if any, decides.
            var current = Activity.Current;
            if (current is null || current.SpanId != parent.SpanId)
            {
                return false;
            }

            for (; current is not null; current = current.Parent)
            {
                if (string.Equals(current.Source.Name, HostingSourceName, StringComparison.Ordinal))
                {
                    return !ReferenceEquals(current.Source, _hostingSource);
                }
            }

            return false;
        }

        // Under no request: a user source's span is left to the hosts that listen to it, and anything
        // else is sampled by every host as usual (so that the context it sends on carries a real
        // decision) and exported by none (see Owns).
        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (s_hostsLock)
        {
            s_hosts.Remove(this);
            Volatile.Write(ref s_liveHosts, s_hosts.Count);
        }
    }

    /// <summary>Sources every host listens to, which therefore say nothing about whose span it is.</summary>
    private static bool IsShared(string sourceName) =>
        sourceName.Length == 0
        || string.Equals(sourceName, "System.Net.Http", StringComparison.Ordinal)
        || string.Equals(sourceName, Conventions.GrpcLibraryTags.ClientSourceName, StringComparison.Ordinal)
        || sourceName.StartsWith("Tracing.Sdk", StringComparison.Ordinal);
}

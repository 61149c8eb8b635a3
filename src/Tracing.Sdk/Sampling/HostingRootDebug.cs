using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// A request for a new debug root (<c>jaeger-debug-id</c> alone, <c>b3: d</c>, <c>X-B3-Flags: 1</c>
/// alone) on its way from ASP.NET Core hosting's extraction to the sampling of that request's server
/// span. Hosting offers no other road: it extracts, finds no parent and creates a root Activity with no
/// tags or links, all in one call on one thread (<c>ActivityCreator.CreateFromRemote</c>), so the request
/// waits in a per-thread slot for exactly that span, and nothing else can take it:
/// <list type="bullet">
/// <item>the slot is emptied at the start of every hosting extraction (<see cref="Clear"/>), so it can only
/// ever hold the request of the span hosting is about to create on this thread;</item>
/// <item>only that host's sampler may take it (the slot names the host's <see cref="DebugSamplingGate"/>),
/// and only for a root span that is hosting's own entry span (<see cref="LateBinding.IsEntrySpan"/>); any
/// other root started on the thread meanwhile leaves it alone;</item>
/// <item>taking it empties it.</item>
/// </list>
/// A remote parent's debug request needs none of this: it travels on the context (<see cref="Propagation.DebugSampling"/>).
/// </summary>
internal static class HostingRootDebug
{
    // Whether any request was ever offered: until then no root's sampling reads the per-thread slot (a
    // thread-static access costs a few ns on every root). Set on the thread that then takes the offer.
    private static bool s_everOffered;

    [ThreadStatic]
    private static DebugSamplingGate? t_gate;

    [ThreadStatic]
    private static string? t_debugId;

    [ThreadStatic]
    private static bool t_trusted;

    /// <summary>Empties the slot (every hosting extraction starts with this).</summary>
    public static void Clear()
    {
        if (!s_everOffered)
        {
            return;
        }

        t_gate = null;
        t_debugId = null;
    }

    /// <summary>Offers the request of the span hosting is about to create on this thread to the host of <paramref name="gate"/>.</summary>
    public static void Offer(DebugSamplingGate gate, string? debugId, bool trusted)
    {
        if (!s_everOffered)
        {
            Volatile.Write(ref s_everOffered, true);
        }

        t_gate = gate;
        t_debugId = debugId;
        t_trusted = trusted;
    }

    /// <summary>Takes the request if it is this host's and <paramref name="parameters"/> is hosting's root entry span.</summary>
    public static bool TryTake(DebugSamplingGate gate, in SamplingParameters parameters, out string? debugId, out bool trusted)
    {
        debugId = null;
        trusted = false;
        if (!s_everOffered || t_gate is null || !ReferenceEquals(t_gate, gate) || !LateBinding.IsEntrySpan(parameters))
        {
            return false;
        }

        debugId = t_debugId;
        trusted = t_trusted;
        Clear();
        return true;
    }
}

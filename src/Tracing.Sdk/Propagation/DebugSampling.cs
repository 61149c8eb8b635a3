using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Carries "the caller asks for this trace to be sampled as debug" (B3 <c>d</c> / <c>X-B3-Flags: 1</c>,
/// Jaeger flag <c>0x2</c>, <c>jaeger-debug-id</c>) from the propagator that read it to the sampler,
/// which decides whether to honour it (<c>Tracing:Sampler:Debug</c>: always from a trusted caller,
/// otherwise within a rate limit). W3C <c>traceparent</c> and <see cref="ActivityContext"/> have no
/// debug flag, so, as <see cref="DeferredSampling"/> does, the request travels with the extracted
/// context as its whole tracestate — an <see cref="InternalTraceState"/> marker,
/// <c>@tracing-sdk=debug[/{jaeger-debug-id}]</c>, or <c>debug-trusted</c> once the ASP.NET Core
/// integration has seen the caller is in <c>TrustedNetworks</c>. B3 and Jaeger carry no tracestate of
/// their own, so the marker replaces nothing. Nothing is kept anywhere else: a request is exactly as
/// long-lived as its context.
/// <para>
/// The context's sampled flag is the one the caller sent besides debug (Jaeger <c>0x1</c>,
/// <c>X-B3-Sampled</c>); none means "no decision", so a refused request is decided like B3 defer.
/// A debug request without a parent (<c>jaeger-debug-id</c> alone, <c>b3: d</c>, <c>X-B3-Flags: 1</c>
/// alone) asks for a new debug root: it is a context with no ids (<see cref="RootRequest"/>), never
/// valid as a parent, which the composite propagator returns only when no format found a parent.
/// </para>
/// </summary>
internal static class DebugSampling
{
    /// <summary>Tag on a span that was sampled because it is debug.</summary>
    public const string SpanTag = "sampler.debug";

    /// <summary>Tag holding the <c>jaeger-debug-id</c> value, as Jaeger clients record it.</summary>
    public const string DebugIdTag = "jaeger-debug-id";

    /// <summary>A <c>jaeger-debug-id</c> is recorded on a span: longer ones are cut to this many characters.</summary>
    public const int MaxDebugIdLength = 128;

    private const string Requested = InternalTraceState.Prefix + "debug";
    private const string Trusted = InternalTraceState.Prefix + "debug-trusted";
    private const char IdSeparator = '/';

    // Set once, when a span in the process is first sampled as debug: until then no local span can be
    // debug, and neither the sampler nor inject looks at span tags for it.
    private static volatile bool s_anySampled;

    /// <summary>Whether a span in the process was ever sampled as debug (one volatile read).</summary>
    public static bool AnySampled => s_anySampled;

    /// <summary>Notes that a span was sampled as debug (a write-once flag, not per-request state).</summary>
    public static void NoteSampled()
    {
        if (!s_anySampled)
        {
            s_anySampled = true;
        }
    }

    /// <summary>A remote parent whose caller asked for debug; <paramref name="sampled"/> is its own sampled flag, if any.</summary>
    public static ActivityContext Context(ActivityTraceId traceId, ActivitySpanId spanId, bool sampled, string? debugId) =>
        new(traceId, spanId, sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, Marker(debugId), isRemote: true);

    /// <summary>A request for a new debug root: no ids, only the marker.</summary>
    public static ActivityContext RootRequest(string? debugId) =>
        new(default, default, ActivityTraceFlags.None, Marker(debugId), isRemote: true);

    /// <summary>Whether <paramref name="context"/> asks for a new debug root (see <see cref="RootRequest"/>).</summary>
    public static bool IsRootRequest(in ActivityContext context) =>
        context.TraceId == default && context.IsRemote && IsMarker(context.TraceState);

    /// <summary>Whether a tracestate is a debug marker, trusted or not (an ordinal prefix compare).</summary>
    public static bool IsMarker(string? traceState) =>
        traceState is not null && traceState.StartsWith(Requested, StringComparison.Ordinal)
        && (traceState.Length == Requested.Length || traceState[Requested.Length] is IdSeparator or '-');

    /// <summary>Reads a debug marker: whether a trusted caller sent it, and its <c>jaeger-debug-id</c> (allocates only for an id).</summary>
    public static bool TryRead(string? traceState, out bool trusted, out string? debugId)
    {
        trusted = false;
        debugId = null;
        if (!IsMarker(traceState))
        {
            return false;
        }

        trusted = traceState!.StartsWith(Trusted, StringComparison.Ordinal);
        var idStart = (trusted ? Trusted.Length : Requested.Length) + 1;
        if (traceState.Length > idStart)
        {
            debugId = traceState[idStart..];
        }

        return true;
    }

    /// <summary>The marker of a request from a trusted caller (same id); anything else is returned as it is.</summary>
    public static string? AsTrusted(string? traceState)
    {
        if (!IsMarker(traceState) || traceState!.StartsWith(Trusted, StringComparison.Ordinal))
        {
            return traceState;
        }

        return string.Concat(Trusted, traceState.AsSpan(Requested.Length));
    }

    /// <summary>
    /// A <c>jaeger-debug-id</c> header value as it may be recorded: <see langword="null"/> when blank or
    /// holding control characters (it would not survive as a tag or header), cut to <see cref="MaxDebugIdLength"/>.
    /// </summary>
    public static string? CleanDebugId(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return null;
            }
        }

        return value.Length > MaxDebugIdLength ? value[..MaxDebugIdLength] : value;
    }

    private static string Marker(string? debugId) =>
        string.IsNullOrEmpty(debugId) ? Requested : string.Concat(Requested, "/", debugId);
}

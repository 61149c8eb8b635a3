using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// What a format writes: the span's context and baggage, and the span itself when known (for the
/// parent id Jaeger carries, and for the debug mark B3 and Jaeger propagate onward).
/// </summary>
internal readonly struct InjectionContext(ActivityContext context, Baggage baggage, Activity? span, bool spanIsCurrent = false)
{
    private readonly Activity? _span = span;
    private readonly bool _spanIsCurrent = spanIsCurrent;

    public ActivityContext Context { get; } = context;

    public Baggage Baggage { get; } = baggage;

    /// <summary>
    /// The span being propagated, when it is a local <see cref="Activity"/>. Looked up only when a
    /// format asks (B3 and Jaeger do, W3C does not): reading <see cref="Activity.Current"/> is an
    /// async-local read on every injection otherwise.
    /// </summary>
    public Activity? Span => _span ?? (_spanIsCurrent ? CurrentIfItIs(Context) : null);

    /// <summary>The span when the caller gave it (never looked up): for a format that can reuse what the span already holds.</summary>
    public Activity? GivenSpan => _span;

    public bool Sampled => (Context.TraceFlags & ActivityTraceFlags.Recorded) != 0;

    /// <summary>
    /// Whether the context is a remote one whose caller made no sampling decision, injected as it was
    /// extracted (a proxy passing it on): B3 then sends no decision either. A local span never is (its
    /// sampler decided), even if it still carries the marker.
    /// </summary>
    public bool IsDeferred => Context.IsRemote && DeferredSampling.IsMarker(Context.TraceState);

    /// <summary>
    /// Whether the span is debug (B3 <c>d</c>, Jaeger flag <c>0x2</c> onward), or the context is a remote
    /// one whose caller asked for debug, injected as it was extracted (the request is passed on, not decided).
    /// </summary>
    public bool IsDebug =>
        // No span is looked up (an async-local read) while no debug span was ever sampled.
        IsDebugFor(Context, DebugSampling.AnySampled ? Span : null);

    /// <summary>The span's local parent id, when known.</summary>
    public ActivitySpanId ParentSpanId => Span?.ParentSpanId ?? default;

    /// <summary><see cref="IsDebug"/> for a context and the span it belongs to, when known.</summary>
    public static bool IsDebugFor(in ActivityContext context, Activity? span) =>
        (context.IsRemote && DebugSampling.IsMarker(context.TraceState)) || DebugPropagation.IsDebug(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(in ActivityContext context) => context.TraceId != default && context.SpanId != default;

    /// <summary>
    /// From an OpenTelemetry <see cref="PropagationContext"/>: the span is <see cref="Activity.Current"/>
    /// when it is the one whose context is injected (the usual <c>Inject(new(Activity.Current.Context, ...))</c>).
    /// </summary>
    public static InjectionContext From(in PropagationContext context) =>
        new(context.ActivityContext, context.Baggage, span: null, spanIsCurrent: true);

    /// <summary>
    /// The span that can make <paramref name="context"/> debug when injected from an OpenTelemetry
    /// <see cref="PropagationContext"/> (as <see cref="IsDebug"/> finds it): the current one if this is
    /// its context, looked up (an async-local read) only once a debug span was ever sampled.
    /// </summary>
    public static Activity? DebugSpanOf(in ActivityContext context) => DebugSampling.AnySampled ? CurrentIfItIs(context) : null;

    /// <summary><see cref="Activity.Current"/>, when <paramref name="context"/> is its context.</summary>
    public static Activity? CurrentIfItIs(in ActivityContext context)
    {
        var current = Activity.Current;
        return current is not null && current.SpanId == context.SpanId && current.TraceId == context.TraceId ? current : null;
    }

    /// <summary>For a local span: its context, and baggage from the span's chain merged with <see cref="Baggage.Current"/>.</summary>
    public static InjectionContext From(Activity span) => new(span.Context, BaggageOf(span), span);

    /// <summary>
    /// The baggage to send with <paramref name="span"/>: OpenTelemetry's <see cref="Baggage.Current"/>
    /// wins over the <see cref="Activity.Baggage"/> of the span's chain (where ASP.NET Core hosting
    /// puts incoming baggage), so both APIs reach the wire.
    /// </summary>
    public static Baggage BaggageOf(Activity? span)
    {
        var current = Baggage.Current;
        if (span is null)
        {
            return current;
        }

        Dictionary<string, string>? merged = null;
        foreach (var item in span.Baggage)
        {
            if (item.Value is null)
            {
                continue;
            }

            merged ??= new Dictionary<string, string>(StringComparer.Ordinal);
            merged.TryAdd(item.Key, item.Value);
        }

        if (merged is null)
        {
            return current;
        }

        foreach (var item in current)
        {
            merged[item.Key] = item.Value;
        }

        return Baggage.Create(merged);
    }
}

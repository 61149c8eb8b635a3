using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// B3 single header (openzipkin/b3-propagation "Single Header"):
/// <c>b3: {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}</c>, the last two optional, or a
/// sampling state alone (<c>0</c>, <c>1</c>, <c>d</c>). Ids are lower-hex; a 64-bit trace id is
/// left-padded to 128 bits. <c>d</c> (debug) asks for sampling: it is handed to the sampler on the
/// context (<see cref="DebugSampling"/>: with ids, a debug parent with no sampled flag of its own;
/// alone, a request for a new debug root), which honours it or not, and written onward for debug spans. Ids with no sampling state are the
/// spec's "Defer" ("Defer is absence of the sampling field"): the context is continued and marked
/// <see cref="DeferredSampling"/> for the sampler's policy to decide. Inject states the decision for a
/// span (one was made here) and leaves it out only for a deferred remote context passed through
/// unchanged. Extract also reads the multi-header form, so either form of B3 is understood whichever
/// one is configured for inject.
/// </summary>
internal sealed class B3SingleFormat(PropagationDiagnostics diagnostics) : FormatPropagator(diagnostics)
{
    public const string HeaderName = "b3";

    private static readonly HashSet<string> s_fields = [HeaderName];

    private readonly B3MultiFormat _multi = new(diagnostics, readSingle: false);

    public override string Name => PropagatorNames.B3;

    public override ISet<string> Fields => s_fields;

    public override ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) => Read(carrier, getter);

    internal override ActivityContext ExtractContext(TracingDistributedContextPropagator.ExtractSource source) =>
        Read(source, TracingDistributedContextPropagator.ExtractSource.Get);

    /// <inheritdoc/>
    /// <remarks>Calls <c>Read</c> directly, not through the generic virtual <see cref="ExtractContext"/> (see <see cref="FormatPropagator"/>).</remarks>
    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (!ShouldExtract(context, carrier, getter))
        {
            return context;
        }

        try
        {
            return Extracted(context, Read(carrier, getter));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failed(context, ex);
        }
    }

    private ActivityContext Read<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var value = ReadSingle(carrier, getter, HeaderName);
        if (value is null)
        {
            return _multi.ExtractContext(carrier, getter);
        }

        if (TryParse(value, out var context, out var debug))
        {
            return debug ? AsDebugRequest(context) : context;
        }

        Diagnostics.InvalidContext(Name);
        return default;
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter) =>
        setter(carrier, HeaderName, Format(context));

    internal override void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        TracingDistributedContextPropagator.InjectTarget.Setter(target, HeaderName, Format(context));

    /// <inheritdoc/>
    /// <remarks>Formats directly, not through the generic virtual <c>Inject</c> (see <see cref="FormatPropagator"/>).</remarks>
    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!CanInject(context, carrier, setter))
        {
            return;
        }

        try
        {
            // From the ActivityContext alone, without building an InjectionContext.
            setter(carrier, HeaderName, Format(context.ActivityContext, InjectionContext.DebugSpanOf(context.ActivityContext)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(Name, ex.Message);
        }
    }

    /// <summary>
    /// The <c>b3</c> value for <paramref name="context"/>. Not generic, so that the shared generic code
    /// calling it needs no runtime lookup of an instantiation (nor of the cached lambda's).
    /// </summary>
    private static string Format(in InjectionContext context) => Format(context.Context, DebugSampling.AnySampled ? context.Span : null);

    /// <summary>The <c>b3</c> value for <paramref name="context"/>, whose span is <paramref name="span"/> when it can be debug.</summary>
    private static string Format(in ActivityContext context, Activity? span)
    {
        // '\0': no sampling state (a deferred context passed through), {TraceId}-{SpanId} alone.
        var state = InjectionContext.IsDebugFor(context, span) ? 'd'
            : DeferredSampling.IsDeferred(context) ? '\0'
            : (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        var length = HexIds.TraceIdLength + HexIds.SpanIdLength + (state == '\0' ? 1 : 3);
        return string.Create(length, (context.TraceId, context.SpanId, state), static (span, s) =>
        {
            s.TraceId.ToHexString().AsSpan().CopyTo(span);
            span[32] = '-';
            s.SpanId.ToHexString().AsSpan().CopyTo(span[33..]);
            if (s.state != '\0')
            {
                span[49] = '-';
                span[50] = s.state;
            }
        });
    }

    /// <summary>
    /// Parses a <c>b3</c> value. A sampling state alone is well-formed but gives no context
    /// (<paramref name="context"/> stays invalid); ids without one give a deferred context
    /// (<see cref="DeferredSampling"/>). Any malformed field rejects the whole value.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out ActivityContext context, out bool debug)
    {
        context = default;
        debug = false;
        if (value.Length == 1)
        {
            debug = value[0] == 'd';
            return value[0] is '0' or '1' or 'd';
        }

        // {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]. The span id has a fixed width, so only
        // the first separator is searched for; every later field is told apart by its length (a stray
        // '-' inside a field fails that field's hex check, as a split would have failed it).
        var dash = value.IndexOf('-');
        if (dash < 0
            || !HexIds.TryParseTraceId64Or128(value[..dash], out var traceId))
        {
            return false;
        }

        var rest = value[(dash + 1)..];
        if (rest.Length < HexIds.SpanIdLength
            || (rest.Length > HexIds.SpanIdLength && rest[HexIds.SpanIdLength] != '-')
            || !HexIds.TryParseSpanId(rest[..HexIds.SpanIdLength], out var spanId))
        {
            return false;
        }

        // Defer "is absence of the sampling field", and ParentSpanId is "in the final position" when
        // present: {TraceId}-{SpanId} or {TraceId}-{SpanId}-{ParentSpanId}.
        if (rest.Length == HexIds.SpanIdLength)
        {
            context = DeferredSampling.Context(traceId, spanId);
            return true;
        }

        var tail = rest[(HexIds.SpanIdLength + 1)..];
        if (tail.Length == HexIds.SpanIdLength)
        {
            if (!HexIds.IsLowerHexNonZero(tail, HexIds.SpanIdLength))
            {
                return false;
            }

            context = DeferredSampling.Context(traceId, spanId);
            return true;
        }

        // {SamplingState} alone, or followed by "-{ParentSpanId}".
        if ((tail.Length != 1 && (tail.Length != 2 + HexIds.SpanIdLength || tail[1] != '-'))
            || tail[0] is not ('0' or '1' or 'd'))
        {
            return false;
        }

        if (tail.Length > 1 && !HexIds.IsLowerHexNonZero(tail[2..], HexIds.SpanIdLength))
        {
            return false;
        }

        debug = tail[0] == 'd';
        var flags = tail[0] == '0' ? ActivityTraceFlags.None : ActivityTraceFlags.Recorded;
        context = new ActivityContext(traceId, spanId, flags, null, isRemote: true);
        return true;
    }

    /// <summary>
    /// A parsed <c>d</c> as the sampler receives it: on the ids if there are some (<c>d</c> carries no
    /// separate sampled flag), else a request for a new debug root.
    /// </summary>
    internal static ActivityContext AsDebugRequest(in ActivityContext context) =>
        InjectionContext.IsValid(context)
            ? DebugSampling.Context(context.TraceId, context.SpanId, sampled: false, debugId: null)
            : DebugSampling.RootRequest(debugId: null);
}

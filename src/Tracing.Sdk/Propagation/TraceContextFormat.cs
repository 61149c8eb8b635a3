using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Diagnostics.CodeAnalysis;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// W3C Trace Context (<c>traceparent</c> as level 1 defines it; <c>tracestate</c> as level 2 does, see
/// <see cref="TraceStateList"/>). Parsed here rather than by
/// OpenTelemetry's <c>TraceContextPropagator</c> so that a malformed header is counted, and rejected
/// without the exceptions that propagator throws and catches internally; the benchmark holds the two
/// side by side.
/// </summary>
internal sealed class TraceContextFormat(PropagationDiagnostics diagnostics) : FormatPropagator(diagnostics)
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    // §3.2.2: version "00" is exactly 55 characters: 2 + 1 + 32 + 1 + 16 + 1 + 2.
    private const int Version00Length = 55;

    private static readonly HashSet<string> s_fields = [TraceParent, TraceState];

    public override string Name => PropagatorNames.TraceContext;

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
        var traceparent = ReadSingle(carrier, getter, TraceParent);
        if (traceparent is null)
        {
            return default;
        }

        if (!TryParseTraceParent(traceparent, out var traceId, out var spanId, out var flags))
        {
            Diagnostics.InvalidContext(Name);
            return default;
        }

        return new ActivityContext(traceId, spanId, flags, ReadTraceState(carrier, getter), isRemote: true);
    }

    /// <summary>
    /// The caller's <c>traceparent</c> as sent, and its <c>tracestate</c> as <see cref="ExtractContext"/>
    /// reads it, when the <c>traceparent</c> is already what <see cref="Format"/> writes for the context it
    /// carries (version 00, lower-case non-zero ids, flags <c>00</c> or <c>01</c>): checked without
    /// building the context's ids. <see langword="false"/>, with nothing counted, for anything else, which
    /// <see cref="ExtractContext"/> then reads in full.
    /// </summary>
    public bool TryReadCanonical<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, out string? traceparent, out string? traceState)
    {
        traceparent = null;
        traceState = null;
        var value = SingleValue(getter(carrier, TraceParent), out var duplicated);
        if (duplicated || !IsVersion00Frame(value)
            || (value[54] != '0' && value[54] != '1')
            || !HexIds.IsLowerHexNonZero(value.AsSpan(3, HexIds.TraceIdLength), HexIds.TraceIdLength)
            || !HexIds.IsLowerHexNonZero(value.AsSpan(36, HexIds.SpanIdLength), HexIds.SpanIdLength))
        {
            return false;
        }

        traceparent = value;
        traceState = ReadTraceState(carrier, getter);
        return true;
    }

    /// <summary>
    /// "Failure to parse tracestate MUST NOT affect the parsing of traceparent": a malformed tracestate
    /// is discarded (and counted), the traceparent still stands.
    /// </summary>
    private string? ReadTraceState<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var fields = getter(carrier, TraceState);
        if (fields is null)
        {
            return null;
        }

        var state = TraceStateList.Read(fields, out var malformed);
        if (malformed)
        {
            Diagnostics.InvalidContext(Name);
        }

        return state;
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter) =>
        Write(context.Context, context.GivenSpan, carrier, setter);

    internal override void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        Write(context.Context, context.GivenSpan, target, TracingDistributedContextPropagator.InjectTarget.Setter);

    /// <inheritdoc/>
    /// <remarks>Calls <c>Write</c> directly, not through the generic virtual <c>Inject</c> (see <see cref="FormatPropagator"/>).</remarks>
    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!CanInject(context, carrier, setter))
        {
            return;
        }

        try
        {
            // No span is given here (W3C needs none looked up): the context is all there is to write.
            Write(context.ActivityContext, span: null, carrier, setter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(Name, ex.Message);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<T>(in ActivityContext context, Activity? span, T carrier, Action<T, string, string> setter)
    {
        setter(carrier, TraceParent, IdOf(span, context) ?? Format(context));

        // "Vendors receiving a tracestate request header MUST send it to outgoing requests": as the span
        // holds it (read by TraceStateList when it came in), without the SDK's own deferred-sampling mark.
        var state = InternalTraceState.Outgoing(context.TraceState);
        if (!string.IsNullOrEmpty(state))
        {
            setter(carrier, TraceState, state);
        }
    }

    /// <summary>
    /// The span's own W3C id when it is exactly the version-00 <c>traceparent</c> of <paramref name="context"/>:
    /// .NET keeps it as a string on the Activity (made once, on first use), so HttpClient's injection of
    /// its span allocates no header value of its own. Not when the sampled flag changed after the id was
    /// made (a late-bound decision): then the header is formatted from the context.
    /// </summary>
    private static string? IdOf(Activity? span, in ActivityContext context)
    {
        if (span is null || span.IdFormat != ActivityIdFormat.W3C || span.Id is not { Length: Version00Length } id)
        {
            return null;
        }

        var sampled = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        return id[0] == '0' && id[1] == '0' && id[53] == '0' && id[54] == (sampled ? '1' : '0')
            && span.SpanId == context.SpanId && span.TraceId == context.TraceId
            ? id
            : null;
    }

    /// <summary>The version-00 <c>traceparent</c> for <paramref name="context"/>.</summary>
    public static string Format(in ActivityContext context) =>
        string.Create(Version00Length, (context.TraceId, context.SpanId, context.TraceFlags), static (span, state) =>
        {
            span[0] = '0';
            span[1] = '0';
            span[2] = '-';
            state.TraceId.ToHexString().AsSpan().CopyTo(span[3..]);
            span[35] = '-';
            state.SpanId.ToHexString().AsSpan().CopyTo(span[36..]);
            span[52] = '-';
            span[53] = '0';
            span[54] = (state.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        });

    /// <summary>
    /// Whether <paramref name="header"/> is exactly <see cref="Format"/>'s text for <paramref name="context"/>
    /// (version 00, lower-case ids, the same sampled flag and no other flag), compared without allocating.
    /// </summary>
    public static bool IsCanonicalFor(string? header, in ActivityContext context)
    {
        if (!IsVersion00Frame(header))
        {
            return false;
        }

        var sampled = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        return header[54] == sampled
            && header.AsSpan(3, 32).SequenceEqual(context.TraceId.ToHexString())
            && header.AsSpan(36, 16).SequenceEqual(context.SpanId.ToHexString());
    }

    /// <summary>
    /// Version <c>00</c>, 55 characters, the three dashes in place and the first flags digit <c>0</c>: the
    /// frame <see cref="Format"/> writes, ids and sampled digit not checked.
    /// </summary>
    private static bool IsVersion00Frame([NotNullWhen(true)] string? header) =>
        header is { Length: Version00Length } && header[0] == '0' && header[1] == '0'
        && header[2] == '-' && header[35] == '-' && header[52] == '-' && header[53] == '0';

    /// <summary>§3.2: <c>version "-" trace-id "-" parent-id "-" trace-flags</c>.</summary>
    public static bool TryParseTraceParent(ReadOnlySpan<char> value, out ActivityTraceId traceId, out ActivitySpanId spanId, out ActivityTraceFlags flags)
    {
        traceId = default;
        spanId = default;
        flags = default;
        if (value.Length < Version00Length || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        // Two-character fields are checked character by character (cheaper than a vector search).
        var (v0, v1) = (value[0], value[1]);
        if (!HexIds.IsLowerHexDigit(v0) || !HexIds.IsLowerHexDigit(v1) || (v0 == 'f' && v1 == 'f'))
        {
            // §3.2.2.1: version ff is forbidden; versions are lower-case hex.
            return false;
        }

        if (v0 == '0' && v1 == '0')
        {
            if (value.Length != Version00Length)
            {
                return false;
            }
        }
        else if (value.Length > Version00Length && value[Version00Length] != '-')
        {
            // §3.2.4: a later version is parsed as 00, provided what follows the flags starts with "-".
            return false;
        }

        var flagChars = value.Slice(53, 2);
        if (!HexIds.IsLowerHexDigit(flagChars[0]) || !HexIds.IsLowerHexDigit(flagChars[1])
            || !HexIds.TryParseTraceId(value.Slice(3, HexIds.TraceIdLength), out traceId)
            || !HexIds.TryParseSpanId(value.Slice(36, HexIds.SpanIdLength), out spanId))
        {
            traceId = default;
            spanId = default;
            return false;
        }

        // §3.2.2.5: only the sampled bit is defined; the others are ignored.
        flags = (HexIds.HexValue(flagChars[1]) & 1) != 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        return true;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Jaeger's native format (jaeger client-libraries "Propagation Format"):
/// <c>uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}</c>, ids as hex of any length up to
/// 128/64 bits (no zero padding needed), the whole value possibly URL-encoded (<c>%3A</c>);
/// <c>flags</c> a hex bitmask where <c>0x1</c> is sampled and <c>0x2</c> debug (so <c>3</c> is both:
/// any odd value is sampled, not only the string <c>1</c>). Debug and <c>jaeger-debug-id</c> ask for
/// sampling (<see cref="DebugSampling"/>: the sampler honours them or not) and the id is recorded on
/// the span by the sampler; baggage travels as <c>uberctx-{key}</c> headers with
/// URL-encoded values, within the limits of W3C baggage (<see cref="BaggageLimits"/>, each header
/// measured as <c>key=value</c> with the value as sent): an entry over a limit is left out on its own,
/// and counted on extract. Inject writes the span's local parent id when known (else <c>0</c>).
/// </summary>
internal sealed class JaegerFormat(PropagationDiagnostics diagnostics) : FormatPropagator(diagnostics)
{
    public const string TraceIdHeader = "uber-trace-id";
    public const string DebugIdHeader = "jaeger-debug-id";
    public const string BaggagePrefix = "uberctx-";

    private const int SampledFlag = 0x1;
    private const int DebugFlag = 0x2;

    // Where {parent-span-id}:{flags} starts after full-width ids: 32 + ':' + 16 + ':'.
    private const int FullWidthRestAt = HexIds.TraceIdLength + 1 + HexIds.SpanIdLength + 1;

    private static readonly HashSet<string> s_fields = [TraceIdHeader, DebugIdHeader];

    public override string Name => PropagatorNames.Jaeger;

    public override bool CarriesBaggage => true;

    public override ISet<string> Fields => s_fields;

    public override ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter) => Read(carrier, getter);

    internal override ActivityContext ExtractContext(TracingDistributedContextPropagator.ExtractSource source) =>
        Read(source, TracingDistributedContextPropagator.ExtractSource.Get);

    public override void ExtractBaggage<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, ref BaggageAccumulator baggage)
    {
        // Baggage keys are part of the header names, so they can only be found in a carrier whose names can be listed.
        if (CarrierKeys.Of(carrier) is { } keys)
        {
            ReadBaggage(keys, carrier, getter, ref baggage);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Calls <c>Read</c> and <c>ReadBaggage</c> directly, not through the generic virtual
    /// <see cref="ExtractContext"/> and <see cref="ExtractBaggage"/> (see <see cref="FormatPropagator"/>).
    /// </remarks>
    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is null || getter is null)
        {
            return context;
        }

        try
        {
            var activityContext = InjectionContext.IsValid(context.ActivityContext)
                ? context.ActivityContext
                : AsParent(context, Read(carrier, getter));
            if (CarrierKeys.Of(carrier) is not { } keys)
            {
                return new PropagationContext(activityContext, context.Baggage);
            }

            var baggage = new BaggageAccumulator(context.Baggage);
            ReadBaggage(keys, carrier, getter, ref baggage);
            return new PropagationContext(activityContext, baggage.ToBaggage());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Failed(context, ex);
        }
    }

    private ActivityContext Read<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        var debugId = DebugSampling.CleanDebugId(ReadSingle(carrier, getter, DebugIdHeader));

        var value = ReadSingle(carrier, getter, TraceIdHeader);
        ActivityContext context = default;
        var flags = 0;
        if (value is not null && !TryParse(value, out context, out flags))
        {
            Diagnostics.InvalidContext(Name);
        }

        if (!InjectionContext.IsValid(context))
        {
            // A jaeger-debug-id alone asks for a new debug root (as Jaeger clients start one).
            return debugId is not null ? DebugSampling.RootRequest(debugId) : default;
        }

        if ((flags & DebugFlag) != 0 || debugId is not null)
        {
            // Debug asks for sampling whatever bit 0x1 says; 0x1 is what stands should the sampler refuse.
            return DebugSampling.Context(context.TraceId, context.SpanId, (flags & SampledFlag) != 0, debugId);
        }

        return context;
    }

    /// <summary>The <c>uberctx-</c> entries among <paramref name="keys"/>, the carrier's header names.</summary>
    private void ReadBaggage<T>(IEnumerable<string> keys, T carrier, Func<T, string, IEnumerable<string>?> getter, ref BaggageAccumulator baggage)
    {
        // A request can carry as many uberctx- headers as its server accepts: the same room as W3C baggage.
        var limits = new BaggageLimits();
        foreach (var name in keys)
        {
            if (name.Length <= BaggagePrefix.Length || !name.StartsWith(BaggagePrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = SingleValue(getter(carrier, name), out _);
            if (value is null)
            {
                Diagnostics.InvalidContext(Name);
                continue;
            }

            // key=value in UTF-8: the name's bytes less the (ASCII) prefix's, plus one for '='.
            var bytes = Encoding.UTF8.GetByteCount(name) - BaggagePrefix.Length + 1 + Encoding.UTF8.GetByteCount(value);
            if (limits.Refusal(bytes) is { } reason)
            {
                Diagnostics.BaggageDropped(Name, reason);
                continue;
            }

            limits.Take(bytes);
            baggage.TryAdd(name[BaggagePrefix.Length..], Unescape(value));
        }
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter) => Write(context, carrier, setter);

    internal override void Inject(in InjectionContext context, TracingDistributedContextPropagator.InjectTarget target) =>
        Write(context, target, TracingDistributedContextPropagator.InjectTarget.Setter);

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
            // As Write, without building an InjectionContext: the span (for its parent id, and the debug
            // mark) is the current one when this is its context, looked up once.
            var span = InjectionContext.CurrentIfItIs(context.ActivityContext);
            setter(carrier, TraceIdHeader, FormatTraceId(context.ActivityContext, span));
            if (context.Baggage.Count > 0)
            {
                WriteBaggage(context.Baggage, carrier, setter);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(Name, ex.Message);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<T>(in InjectionContext context, T carrier, Action<T, string, string> setter)
    {
        setter(carrier, TraceIdHeader, FormatTraceId(context));
        if (context.Baggage.Count > 0)
        {
            WriteBaggage(context.Baggage, carrier, setter);
        }
    }

    private static void WriteBaggage<T>(Baggage baggage, T carrier, Action<T, string, string> setter)
    {
        // What a receiver keeps is what is sent: the limits of extract, entry by entry (keys are header
        // tokens and escaped values ASCII, so characters are bytes).
        var limits = new BaggageLimits();
        foreach (var item in baggage)
        {
            if (item.Key.Length > 0 && item.Value is not null && IsHeaderNameToken(item.Key) && BaggageFormat.IsWellFormed(item.Value))
            {
                var value = Uri.EscapeDataString(item.Value);
                var bytes = item.Key.Length + 1 + value.Length;
                if (limits.Refusal(bytes) is null)
                {
                    limits.Take(bytes);
                    setter(carrier, BaggagePrefix + item.Key, value);
                }
            }
        }
    }

    /// <summary>The <c>uber-trace-id</c> value for <paramref name="context"/> (not generic: see <see cref="FormatPropagator"/>).</summary>
    private static string FormatTraceId(in InjectionContext context) => FormatTraceId(context.Context, context.Span);

    /// <summary>The <c>uber-trace-id</c> value for <paramref name="context"/>, whose local span is <paramref name="span"/> if known.</summary>
    private static string FormatTraceId(in ActivityContext context, Activity? span)
    {
        var sampled = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        var flags = InjectionContext.IsDebugFor(context, span) ? SampledFlag | DebugFlag : sampled ? SampledFlag : 0;
        var parent = span?.ParentSpanId ?? default;
        return FormatTraceId(context.TraceId.ToHexString(), context.SpanId.ToHexString(), parent == default ? "0" : parent.ToHexString(), flags);
    }

    /// <summary><c>{trace-id}:{span-id}:{parent-span-id}:{flags}</c>, copied into the string as it is made (flags is one digit).</summary>
    private static string FormatTraceId(string traceId, string spanId, string parentId, int flags) =>
        string.Create(traceId.Length + spanId.Length + parentId.Length + 4, (traceId, spanId, parentId, flags), static (span, state) =>
        {
            state.traceId.AsSpan().CopyTo(span);
            var at = state.traceId.Length;
            span[at++] = ':';
            state.spanId.AsSpan().CopyTo(span[at..]);
            at += state.spanId.Length;
            span[at++] = ':';
            state.parentId.AsSpan().CopyTo(span[at..]);
            at += state.parentId.Length;
            span[at++] = ':';
            span[at] = (char)('0' + state.flags);
        });

    /// <summary>Parses an <c>uber-trace-id</c> value (URL-encoded or not). All four fields must be well-formed.</summary>
    public static bool TryParse(string value, out ActivityContext context, out int flags)
    {
        // Full-width ids, as current clients send them, are read where they stand: when they parse,
        // the value held nothing to unescape or trim, and its first two ':' are where they were looked
        // for. Any other spelling is cut field by field.
        if (value.Length > FullWidthRestAt
            && value[HexIds.TraceIdLength] == ':'
            && value[FullWidthRestAt - 1] == ':'
            && TryParseFields(value.AsSpan(0, HexIds.TraceIdLength), value.AsSpan(HexIds.TraceIdLength + 1, HexIds.SpanIdLength), value.AsSpan(FullWidthRestAt), out context, out flags))
        {
            return true;
        }

        var text = Unescape(value).AsSpan().Trim();
        if (TryCut(ref text, out var traceText) && TryCut(ref text, out var spanText))
        {
            return TryParseFields(traceText, spanText, text, out context, out flags);
        }

        context = default;
        flags = 0;
        return false;
    }

    /// <summary>
    /// The ids, and <c>{parent-span-id}:{flags}</c> in <paramref name="rest"/>: exactly one more ':' (a
    /// second would be left in the flags field, which is then no hex). The parent id is only checked.
    /// </summary>
    private static bool TryParseFields(
        ReadOnlySpan<char> traceText, ReadOnlySpan<char> spanText, ReadOnlySpan<char> rest, out ActivityContext context, out int flags)
    {
        context = default;
        if (!TryCut(ref rest, out var parentText)
            || !HexIds.IsHex(parentText, maxLength: HexIds.SpanIdLength)
            || !TryParseFlags(rest, out flags)
            || !TryParseTraceId(traceText, out var traceId)
            || !TryParseSpanId(spanText, out var spanId))
        {
            flags = 0;
            return false;
        }

        var sampled = (flags & (SampledFlag | DebugFlag)) != 0;
        context = new ActivityContext(traceId, spanId, sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, null, isRemote: true);
        return true;
    }

    /// <summary>The field before the next <c>:</c> in <paramref name="text"/>, which is left holding what follows it.</summary>
    private static bool TryCut(ref ReadOnlySpan<char> text, out ReadOnlySpan<char> field)
    {
        var at = text.IndexOf(':');
        if (at < 0)
        {
            field = default;
            return false;
        }

        field = text[..at];
        text = text[(at + 1)..];
        return true;
    }

    /// <summary>One or two hex digits, either case (the flags fit a byte).</summary>
    private static bool TryParseFlags(ReadOnlySpan<char> value, out int flags)
    {
        flags = value.Length switch
        {
            1 => HexIds.HexValue(value[0]),
            2 when HexIds.HexValue(value[0]) is >= 0 and var high && HexIds.HexValue(value[1]) is >= 0 and var low => (high << 4) | low,
            _ => -1,
        };
        return flags >= 0;
    }

    // Fast path for what current clients send (full-width lower-case ids); otherwise any width, either case.
    private static bool TryParseTraceId(ReadOnlySpan<char> value, out ActivityTraceId traceId) =>
        (value.Length == HexIds.TraceIdLength && HexIds.TryParseTraceId(value, out traceId)) || TryParseShortTraceId(value, out traceId);

    private static bool TryParseSpanId(ReadOnlySpan<char> value, out ActivitySpanId spanId) =>
        (value.Length == HexIds.SpanIdLength && HexIds.TryParseSpanId(value, out spanId)) || TryParseShortSpanId(value, out spanId);

    private static bool TryParseShortTraceId(ReadOnlySpan<char> value, out ActivityTraceId traceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        var valid = HexIds.TryParseVariable(value, bytes, out var nonZero) && nonZero;
        traceId = valid ? ActivityTraceId.CreateFromBytes(bytes) : default;
        return valid;
    }

    private static bool TryParseShortSpanId(ReadOnlySpan<char> value, out ActivitySpanId spanId)
    {
        Span<byte> bytes = stackalloc byte[8];
        var valid = HexIds.TryParseVariable(value, bytes, out var nonZero) && nonZero;
        spanId = valid ? ActivitySpanId.CreateFromBytes(bytes) : default;
        return valid;
    }

    /// <summary>
    /// URL-decodes a value. <see cref="Uri.UnescapeDataString(string)"/> leaves a malformed escape as it
    /// is: harmless in a baggage value, and rejected by the id parser in <c>uber-trace-id</c>.
    /// </summary>
    private static string Unescape(string value) =>
        value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    private static bool IsHeaderNameToken(string key)
    {
        foreach (var c in key)
        {
            if (c is <= ' ' or >= '\x7f' or '(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=' or '{' or '}')
            {
                return false;
            }
        }

        return true;
    }
}

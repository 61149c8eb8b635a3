using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// W3C Trace Context level 1 (<c>traceparent</c>, <c>tracestate</c>). Parsed here rather than by
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

    // §3.3.1.1 / §3.3.2: at most 32 list-members; keys up to 256 characters, values up to 256.
    private const int MaxTraceStateMembers = 32;
    private const int MaxKeyLength = 256;
    private const int MaxTenantLength = 241;
    private const int MaxSystemLength = 14;
    private const int MaxValueLength = 256;

    private static readonly HashSet<string> s_fields = [TraceParent, TraceState];

    public override string Name => PropagatorNames.TraceContext;

    public override ISet<string> Fields => s_fields;

    public override ActivityContext ExtractContext<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
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

        // §3.3: a malformed tracestate is discarded, the traceparent still stands.
        var tracestate = getter(carrier, TraceState);
        var state = tracestate is null ? null : ValidTraceState(tracestate);
        return new ActivityContext(traceId, spanId, flags, state, isRemote: true);
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter)
    {
        setter(carrier, TraceParent, Format(context.Context));
        if (!string.IsNullOrEmpty(context.Context.TraceState))
        {
            setter(carrier, TraceState, context.Context.TraceState);
        }
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

        var version = value[..2];
        if (!HexIds.IsLowerHex(version) || version.SequenceEqual("ff"))
        {
            // §3.2.2.1: version ff is forbidden; versions are lower-case hex.
            return false;
        }

        if (version.SequenceEqual("00"))
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
        if (!HexIds.IsLowerHex(flagChars)
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

    /// <summary>The <c>tracestate</c> to keep, or <see langword="null"/> when any member is malformed (§3.3.1).</summary>
    public static string? ValidTraceState(IEnumerable<string> headers)
    {
        string? single = null;
        List<string>? several = null;
        foreach (var header in headers)
        {
            if (single is null)
            {
                single = header;
            }
            else
            {
                several ??= [single];
                several.Add(header);
            }
        }

        // §3.3.1: several tracestate headers are one list, in order.
        var combined = several is null ? single : string.Join(',', several);
        if (string.IsNullOrWhiteSpace(combined))
        {
            return null;
        }

        return IsValidTraceState(combined) ? combined : null;
    }

    public static bool IsValidTraceState(ReadOnlySpan<char> list)
    {
        var members = 0;
        Span<Range> seen = stackalloc Range[MaxTraceStateMembers];
        var rest = list;
        var offset = 0;
        while (true)
        {
            var comma = rest.IndexOf(',');
            var raw = comma < 0 ? rest : rest[..comma];
            var member = raw.Trim(" \t");
            if (!member.IsEmpty)
            {
                if (members == MaxTraceStateMembers)
                {
                    return false;
                }

                var equals = member.IndexOf('=');
                if (equals <= 0 || !IsValidKey(member[..equals]) || !IsValidValue(member[(equals + 1)..]))
                {
                    return false;
                }

                // §3.3.1.2: a key appears at most once.
                var keyStart = offset + (raw.Length - raw.TrimStart(" \t").Length);
                var key = list.Slice(keyStart, equals);
                for (var i = 0; i < members; i++)
                {
                    if (list[seen[i]].SequenceEqual(key))
                    {
                        return false;
                    }
                }

                seen[members++] = new Range(keyStart, keyStart + equals);
            }

            if (comma < 0)
            {
                return true;
            }

            offset += comma + 1;
            rest = rest[(comma + 1)..];
        }
    }

    // §3.3.1.3.1: key = simple-key / multi-tenant-key; simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/");
    // multi-tenant-key = tenant-id "@" system-id, tenant-id starting with lcalpha or DIGIT (241 max), system-id with lcalpha (14 max).
    private static bool IsValidKey(ReadOnlySpan<char> key)
    {
        if (key.Length > MaxKeyLength)
        {
            return false;
        }

        var at = key.IndexOf('@');
        if (at < 0)
        {
            return key[0] is >= 'a' and <= 'z' && AllKeyChars(key[1..]);
        }

        var tenant = key[..at];
        var system = key[(at + 1)..];
        return tenant.Length is > 0 and <= MaxTenantLength
            && system.Length is > 0 and <= MaxSystemLength
            && tenant[0] is (>= 'a' and <= 'z') or (>= '0' and <= '9')
            && system[0] is >= 'a' and <= 'z'
            && AllKeyChars(tenant[1..])
            && AllKeyChars(system[1..]);
    }

    private static bool AllKeyChars(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '*' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // §3.3.1.3.2: value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr.
    private static bool IsValidValue(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxValueLength || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or ',' or '=')
            {
                return false;
            }
        }

        return true;
    }
}

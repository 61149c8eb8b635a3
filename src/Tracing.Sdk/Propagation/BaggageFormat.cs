using System.Buffers;
using System.Text;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// W3C Baggage (<c>baggage: key=value;property, key2=value2</c>). Values are percent-decoded as UTF-8
/// on extract and percent-encoded on inject; properties travel with their value
/// (<see cref="BaggageProperties"/>). Limits (<see cref="BaggageLimits"/>, OpenTelemetry's reading of
/// Baggage §3.3.4): 180 list-members, 4096 bytes per member, 8192 bytes in all; a member over a limit
/// (counted by reason) or malformed (counted as an invalid header) is dropped on its own, never the rest
/// of the header.
/// </summary>
internal sealed class BaggageFormat(PropagationDiagnostics diagnostics) : FormatPropagator(diagnostics)
{
    public const string HeaderName = "baggage";

    private const string HexUpper = "0123456789ABCDEF";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly HashSet<string> s_fields = [HeaderName];

    // RFC 9110 tchar: the characters of a baggage key (Baggage §3.3.1 "key = token").
    private static readonly SearchValues<char> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // Baggage §3.3.1: baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E; '%' is in the set
    // but is written encoded so that decoding gives the value back.
    private static readonly SearchValues<char> s_valueChars = SearchValues.Create(
        "!#$&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public override string Name => PropagatorNames.Baggage;

    public override bool CarriesContext => false;

    public override bool CarriesBaggage => true;

    public override ISet<string> Fields => s_fields;

    public override void ExtractBaggage<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, ref BaggageAccumulator baggage)
    {
        var headers = getter(carrier, HeaderName);
        if (headers is null)
        {
            return;
        }

        var limits = new BaggageLimits();
        var malformed = false;
        foreach (var header in headers)
        {
            if (header is null)
            {
                continue;
            }

            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var member = (comma < 0 ? rest : rest[..comma]).Trim(" \t");
                rest = comma < 0 ? default : rest[(comma + 1)..];
                if (member.IsEmpty)
                {
                    continue;
                }

                var bytes = Encoding.UTF8.GetByteCount(member);
                if (limits.Refusal(bytes) is { } reason)
                {
                    Diagnostics.BaggageDropped(Name, reason);
                    continue;
                }

                if (!TryParseMember(member, out var key, out var value, out var properties))
                {
                    malformed = true;
                    continue;
                }

                limits.Take(bytes);
                if (properties is not null)
                {
                    BaggageProperties.Attach(value, properties);
                }

                baggage.TryAdd(key, value);
            }
        }

        if (malformed)
        {
            Diagnostics.InvalidContext(Name);
        }
    }

    public override void Inject<T>(in InjectionContext context, T carrier, Action<T, string, string> setter)
    {
        if (context.Baggage.Count == 0)
        {
            return;
        }

        var builder = new StringBuilder();
        var members = 0;
        foreach (var item in context.Baggage)
        {
            if (members == BaggageLimits.MaxMembers)
            {
                break;
            }

            if (item.Key.Length == 0 || item.Key.AsSpan().ContainsAnyExcept(s_tokenChars) || item.Value is null || !IsWellFormed(item.Value))
            {
                continue;
            }

            var start = builder.Length;
            if (start > 0)
            {
                builder.Append(',');
            }

            builder.Append(item.Key).Append('=');
            AppendEncoded(builder, item.Value);
            if (BaggageProperties.Of(item.Value) is { } properties)
            {
                builder.Append(';').Append(properties);
            }

            var memberLength = builder.Length - start - (start > 0 ? 1 : 0);
            if (memberLength > BaggageLimits.MaxMemberBytes || builder.Length > BaggageLimits.MaxTotalBytes)
            {
                // Over a limit: this entry is left out, the others still go (all ASCII by now, so chars are bytes).
                builder.Length = start;
                continue;
            }

            members++;
        }

        if (builder.Length > 0)
        {
            setter(carrier, HeaderName, builder.ToString());
        }
    }

    /// <summary>One <c>list-member = key OWS "=" OWS value *( OWS ";" OWS property )</c>.</summary>
    private static bool TryParseMember(ReadOnlySpan<char> member, out string key, out string value, out string? properties)
    {
        key = string.Empty;
        value = string.Empty;
        properties = null;
        var semicolon = member.IndexOf(';');
        var pair = semicolon < 0 ? member : member[..semicolon];
        var equals = pair.IndexOf('=');
        if (equals < 0)
        {
            return false;
        }

        var rawKey = pair[..equals].Trim(" \t");
        var rawValue = pair[(equals + 1)..].Trim(" \t");
        if (rawKey.IsEmpty || rawKey.ContainsAnyExcept(s_tokenChars) || !TryDecode(rawValue, out value))
        {
            return false;
        }

        if (semicolon >= 0)
        {
            var rawProperties = member[(semicolon + 1)..].Trim(" \t");
            if (!rawProperties.IsEmpty)
            {
                if (rawProperties.ContainsAny('\0', '\r', '\n'))
                {
                    return false;
                }

                properties = rawProperties.ToString();
            }
        }

        key = rawKey.ToString();
        return true;
    }

    /// <summary>Percent-decodes a value as UTF-8; a value with characters outside baggage-octet, or a bad escape, is malformed.</summary>
    internal static bool TryDecode(ReadOnlySpan<char> raw, out string value)
    {
        value = string.Empty;
        if (raw.IsEmpty)
        {
            return true;
        }

        var percent = raw.IndexOf('%');
        if (percent < 0)
        {
            if (raw.ContainsAnyExcept(s_valueChars))
            {
                return false;
            }

            value = raw.ToString();
            return true;
        }

        var bytes = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length)
                {
                    return false;
                }

                var high = HexIds.HexValue(raw[i + 1]);
                var low = HexIds.HexValue(raw[i + 2]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                bytes[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (s_valueChars.Contains(c))
            {
                bytes[length++] = (byte)c;
            }
            else
            {
                return false;
            }
        }

        try
        {
            value = s_strictUtf8.GetString(bytes[..length]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="value"/> has no unpaired surrogate, which UTF-8 cannot carry unchanged.</summary>
    internal static bool IsWellFormed(string value)
    {
        var chars = value.AsSpan();
        var first = chars.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return true;
        }

        for (var i = first; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Percent-encodes every UTF-8 byte outside baggage-octet (and '%').</summary>
    internal static void AppendEncoded(StringBuilder builder, string value)
    {
        if (!value.AsSpan().ContainsAnyExcept(s_valueChars))
        {
            builder.Append(value);
            return;
        }

        Span<byte> utf8 = stackalloc byte[4];
        var chars = value.AsSpan();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (s_valueChars.Contains(c))
            {
                builder.Append(c);
                continue;
            }

            var width = char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            var count = Encoding.UTF8.GetBytes(chars.Slice(i, width), utf8);
            i += width - 1;
            for (var b = 0; b < count; b++)
            {
                builder.Append('%').Append(HexUpper[utf8[b] >> 4]).Append(HexUpper[utf8[b] & 0xF]);
            }
        }
    }
}

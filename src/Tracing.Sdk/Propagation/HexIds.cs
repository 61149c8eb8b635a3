using System.Buffers;
using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Parsing and formatting of hex trace and span ids without exceptions: every <c>Try</c> method
/// validates the whole input before an id is created, so a malformed value never yields part of an id.
/// </summary>
internal static class HexIds
{
    public const int TraceIdLength = 32;
    public const int SpanIdLength = 16;

    // Vectorized checks: a header is validated in a few instructions per 16 characters.
    private static readonly SearchValues<char> s_lowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> s_hex = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>A W3C/B3 id: exactly <paramref name="length"/> lower-case hex digits, not all zero.</summary>
    public static bool IsLowerHexNonZero(ReadOnlySpan<char> value, int length) =>
        value.Length == length && !value.ContainsAnyExcept(s_lowerHex) && value.ContainsAnyExcept('0');

    public static bool IsLowerHex(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(s_lowerHex);

    /// <summary>From 1 to <paramref name="maxLength"/> hex digits, either case (a Jaeger id, which needs no zero padding).</summary>
    public static bool IsHex(ReadOnlySpan<char> value, int maxLength) =>
        value.Length >= 1 && value.Length <= maxLength && !value.ContainsAnyExcept(s_hex);

    /// <summary>A lower-case hex digit.</summary>
    public static bool IsLowerHexDigit(char c) => (uint)(c - '0') <= 9 || (uint)(c - 'a') <= 5;

    /// <summary>32 lower-case hex digits, not all zero (W3C <c>trace-id</c>).</summary>
    public static bool TryParseTraceId(ReadOnlySpan<char> value, out ActivityTraceId traceId)
    {
        if (!IsLowerHexNonZero(value, TraceIdLength))
        {
            traceId = default;
            return false;
        }

        traceId = ValidatedIds.TraceId(value);
        return true;
    }

    /// <summary>
    /// A B3 trace id: 32 lower-case hex digits, or 16 (a 64-bit id, which B3 left-pads with zeros to
    /// 128 bits), not all zero.
    /// </summary>
    public static bool TryParseTraceId64Or128(ReadOnlySpan<char> value, out ActivityTraceId traceId)
    {
        if (value.Length == SpanIdLength && IsLowerHexNonZero(value, SpanIdLength))
        {
            Span<char> padded = stackalloc char[TraceIdLength];
            padded[..SpanIdLength].Fill('0');
            value.CopyTo(padded[SpanIdLength..]);
            traceId = ValidatedIds.TraceId(padded);
            return true;
        }

        return TryParseTraceId(value, out traceId);
    }

    /// <summary>16 lower-case hex digits, not all zero (W3C <c>parent-id</c>, B3 span id).</summary>
    public static bool TryParseSpanId(ReadOnlySpan<char> value, out ActivitySpanId spanId)
    {
        if (!IsLowerHexNonZero(value, SpanIdLength))
        {
            spanId = default;
            return false;
        }

        spanId = ValidatedIds.SpanId(value);
        return true;
    }

    /// <summary>
    /// Hex of any length from 1 to <c>2 * destination.Length</c> digits, either case, right-aligned
    /// into <paramref name="destination"/> (Jaeger ids are written without zero padding).
    /// </summary>
    public static bool TryParseVariable(ReadOnlySpan<char> value, Span<byte> destination, out bool nonZero)
    {
        nonZero = false;
        if (value.IsEmpty || value.Length > destination.Length * 2)
        {
            return false;
        }

        destination.Clear();
        var nibble = 0;
        for (var i = value.Length - 1; i >= 0; i--, nibble++)
        {
            var digit = HexValue(value[i]);
            if (digit < 0)
            {
                return false;
            }

            nonZero |= digit != 0;
            var index = destination.Length - 1 - (nibble / 2);
            destination[index] |= (byte)((nibble & 1) == 0 ? digit : digit << 4);
        }

        return true;
    }

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}

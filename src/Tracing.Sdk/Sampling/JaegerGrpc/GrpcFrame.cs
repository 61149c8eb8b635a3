using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tracing.Sdk.Sampling.JaegerGrpc;

/// <summary>
/// gRPC's length-prefixed messages (PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): a compressed flag
/// byte, a four-byte big-endian length, then the message.
/// </summary>
internal static class GrpcFrame
{
    /// <summary>The flag byte and the length before every message.</summary>
    public const int HeaderSize = 5;

    /// <summary>Writes the header of an uncompressed message (flag 0) of <paramref name="messageLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int messageLength)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1, 4), (uint)messageLength);
    }

    /// <summary>
    /// The one message of a unary response body: exactly one frame, uncompressed (the request accepted no
    /// encoding, so the server may not compress, "Message-Encoding"), at most <paramref name="maxMessageBytes"/>.
    /// </summary>
    public static bool TryReadSingle(
        ReadOnlyMemory<byte> body,
        int maxMessageBytes,
        out ReadOnlyMemory<byte> message,
        [NotNullWhen(false)] out string? error)
    {
        message = default;
        var span = body.Span;
        if (span.Length == 0)
        {
            error = "the call succeeded without a message";
            return false;
        }

        if (span.Length < HeaderSize)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the response message is cut short: {span.Length} bytes, less than a frame header");
            return false;
        }

        if (span[0] != 0)
        {
            error = span[0] == 1
                ? "the response message is compressed, although the request accepted no compression"
                : string.Create(CultureInfo.InvariantCulture, $"the response frame's flag byte is {span[0]}, not 0 or 1");
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(1, 4));
        if (length > (uint)maxMessageBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the response message is larger than {maxMessageBytes} bytes");
            return false;
        }

        var available = span.Length - HeaderSize;
        if (length > (uint)available)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the response message is cut short: {available} of {length} bytes");
            return false;
        }

        if (length < (uint)available)
        {
            error = "the response holds more than one message, for a unary call";
            return false;
        }

        message = body.Slice(HeaderSize, (int)length);
        error = null;
        return true;
    }
}

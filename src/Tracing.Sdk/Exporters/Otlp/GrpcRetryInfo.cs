using System.Buffers.Text;
using Tracing.Sdk.Protobuf;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The delay a collector asks for when it throttles: a <c>google.rpc.RetryInfo</c> among the details
/// of the <c>google.rpc.Status</c> in the <c>grpc-status-details-bin</c> trailer (OTLP specification,
/// "OTLP/gRPC Throttling"; the gRPC binary-header convention: base64, padding optional).
/// </summary>
internal static class GrpcRetryInfo
{
    public const string DetailsHeader = "grpc-status-details-bin";

    // Status details from a collector are small; refuse to decode anything large.
    private const int MaxEncodedLength = 16 * 1024;

    private static ReadOnlySpan<byte> RetryInfoType => "type.googleapis.com/google.rpc.RetryInfo"u8;

    /// <summary>The <c>retry_delay</c> of the first <c>RetryInfo</c> in <paramref name="encoded"/>, if there is a well-formed one.</summary>
    public static TimeSpan? TryGetRetryDelay(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxEncodedLength)
        {
            return null;
        }

        var padded = encoded.Trim();
        padded = (padded.Length % 4) switch
        {
            2 => padded + "==",
            3 => padded + "=",
            _ => padded,
        };

        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return null;
        }

        return FromStatus(bytes.AsSpan(0, written));
    }

    /// <summary>google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }</summary>
    private static TimeSpan? FromStatus(ReadOnlySpan<byte> status)
    {
        var reader = new ProtobufReader(status);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return null;
            }

            if (field == 3 && wireType == ProtobufWireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var any))
                {
                    return null;
                }

                if (FromAny(any) is { } delay)
                {
                    return delay;
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>google.protobuf.Any { string type_url = 1; bytes value = 2; }, holding a RetryInfo.</summary>
    private static TimeSpan? FromAny(ReadOnlySpan<byte> any)
    {
        var reader = new ProtobufReader(any);
        var isRetryInfo = false;
        ReadOnlySpan<byte> value = default;
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return null;
            }

            if (field == 1 && wireType == ProtobufWireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var typeUrl))
                {
                    return null;
                }

                isRetryInfo = typeUrl.SequenceEqual(RetryInfoType);
            }
            else if (field == 2 && wireType == ProtobufWireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out value))
                {
                    return null;
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return null;
            }
        }

        return isRetryInfo ? FromRetryInfo(value) : null;
    }

    /// <summary>google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }</summary>
    private static TimeSpan? FromRetryInfo(ReadOnlySpan<byte> retryInfo)
    {
        var reader = new ProtobufReader(retryInfo);
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return null;
            }

            if (field == 1 && wireType == ProtobufWireType.LengthDelimited)
            {
                return reader.TryReadLengthDelimited(out var duration) ? FromDuration(duration) : null;
            }

            if (!reader.TrySkip(field, wireType))
            {
                return null;
            }
        }

        // A RetryInfo without a delay still says "retry": as soon as allowed.
        return TimeSpan.Zero;
    }

    /// <summary>google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; }; negative or absurd values are not a delay.</summary>
    private static TimeSpan? FromDuration(ReadOnlySpan<byte> duration)
    {
        var reader = new ProtobufReader(duration);
        long seconds = 0;
        long nanos = 0;
        while (!reader.IsAtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return null;
            }

            if (field is 1 or 2 && wireType == ProtobufWireType.Varint)
            {
                if (!reader.TryReadVarint(out var raw))
                {
                    return null;
                }

                // int64 and int32 are plain two's-complement varints (not zigzag).
                if (field == 1)
                {
                    seconds = (long)raw;
                }
                else
                {
                    nanos = (int)(long)raw;
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return null;
            }
        }

        // Duration's own range is ±10,000 years; a day is already far beyond any export timeout.
        if (seconds < 0 || nanos < 0 || nanos >= 1_000_000_000 || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            return null;
        }

        return TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
    }
}

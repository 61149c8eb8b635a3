using Google.Protobuf;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>
/// Fields a newer IDL could add, of every wire type (a group included), written by Google.Protobuf's
/// <see cref="CodedOutputStream"/>: appended to an encoded message they are part of it (encoding guide,
/// "Message Structure"), and Google.Protobuf keeps them when it parses the message and writes it again.
/// </summary>
internal static class UnknownFields
{
    /// <summary>The fields alone, numbered from 15 up (none of the IDL's messages has a field above 4).</summary>
    public static byte[] Bytes()
    {
        using var bytes = new MemoryStream();
        using (var output = new CodedOutputStream(bytes, leaveOpen: true))
        {
            output.WriteTag(15, WireFormat.WireType.Varint);
            output.WriteUInt64(ulong.MaxValue);
            output.WriteTag(16, WireFormat.WireType.LengthDelimited);
            output.WriteString("a field from a newer IDL");
            output.WriteTag(17, WireFormat.WireType.Fixed32);
            output.WriteFixed32(7);
            output.WriteTag(18, WireFormat.WireType.Fixed64);
            output.WriteDouble(2.5);
            output.WriteTag(19, WireFormat.WireType.StartGroup);
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32(-1);
            output.WriteTag(19, WireFormat.WireType.EndGroup);
        }

        return bytes.ToArray();
    }

    /// <summary><paramref name="message"/> with the unknown fields added (at its own level, not below).</summary>
    public static T AddTo<T>(T message, MessageParser<T> parser) where T : IMessage<T> =>
        parser.ParseFrom([.. message.ToByteArray(), .. Bytes()]);
}

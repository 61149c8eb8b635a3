using System.Buffers.Binary;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// The Thrift binary protocol, strict form (Apache Thrift <c>doc/specs/thrift-binary-protocol.md</c>):
/// fixed-width big-endian integers and 4-byte lengths. What the Jaeger agent reads on UDP port 6832.
/// </summary>
internal sealed class ThriftBinaryWriter : ThriftWriter
{
    /// <summary>The widest list header: element type and a 4-byte size.</summary>
    public const int MaxListHeaderSize = 5;

    private const uint Version1 = 0x80010000;

    public override void WriteMessageBegin(string name, byte messageType, int sequenceId)
    {
        WriteI32(unchecked((int)(Version1 | messageType)));
        WriteString(name);
        WriteI32(sequenceId);
    }

    public override void WriteFieldBegin(ThriftType type, short id)
    {
        if (TryTake(3, out var destination))
        {
            destination[0] = (byte)type;
            BinaryPrimitives.WriteInt16BigEndian(destination[1..], id);
        }
    }

    public override void WriteBoolField(short id, bool value)
    {
        WriteFieldBegin(ThriftType.Bool, id);
        WriteByte(value ? (byte)1 : (byte)0);
    }

    public override void WriteListBegin(ThriftType elementType, int count)
    {
        WriteByte((byte)elementType);
        WriteI32(count);
    }

    public override void WriteI32(int value)
    {
        if (TryTake(4, out var destination))
        {
            BinaryPrimitives.WriteInt32BigEndian(destination, value);
        }
    }

    public override void WriteI64(long value)
    {
        if (TryTake(8, out var destination))
        {
            BinaryPrimitives.WriteInt64BigEndian(destination, value);
        }
    }

    public override void WriteDouble(double value)
    {
        if (TryTake(8, out var destination))
        {
            BinaryPrimitives.WriteDoubleBigEndian(destination, value);
        }
    }

    protected override int ShortLengthPrefixSize => 4;

    protected override int ShortLengthMax => int.MaxValue;

    protected override int MaxLengthPrefixSize => 4;

    protected override void WriteShortLength(Span<byte> destination, int length) => BinaryPrimitives.WriteInt32BigEndian(destination, length);

    protected override void WriteLength(int length) => WriteI32(length);
}

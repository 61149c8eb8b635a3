using System.Buffers.Binary;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// The Thrift compact protocol (Apache Thrift <c>doc/specs/thrift-compact-protocol.md</c>): zigzag
/// varints, field ids as deltas in the type byte, bools folded into field headers, doubles little-endian.
/// What the Jaeger agent reads on UDP port 6831.
/// </summary>
internal sealed class ThriftCompactWriter : ThriftWriter
{
    /// <summary>The widest list header: one byte and a five-byte varint size.</summary>
    public const int MaxListHeaderSize = 6;

    private const byte ProtocolId = 0x82;
    private const byte Version = 1;
    private const int TypeShift = 5;
    private const int MaxDepth = 32;

    // Compact type codes (the low nibble of a field header or list header).
    private const byte CompactTrue = 1;
    private const byte CompactFalse = 2;

    private readonly short[] _outerFieldIds = new short[MaxDepth];
    private int _depth;
    private short _lastFieldId;

    public override void WriteMessageBegin(string name, byte messageType, int sequenceId)
    {
        WriteByte(ProtocolId);
        WriteByte((byte)(Version | (messageType << TypeShift)));
        WriteVarint32((uint)sequenceId);
        WriteString(name);
    }

    public override void WriteStructBegin()
    {
        // Field ids are deltas from the previous field of the same struct: remember the outer struct's.
        if (_depth < MaxDepth)
        {
            _outerFieldIds[_depth] = _lastFieldId;
        }

        _depth++;
        _lastFieldId = 0;
    }

    public override void WriteStructEnd()
    {
        _depth--;
        _lastFieldId = _depth < MaxDepth && _depth >= 0 ? _outerFieldIds[_depth] : (short)0;
    }

    public override void WriteFieldBegin(ThriftType type, short id) => WriteFieldHeader(CompactCode(type), id);

    public override void WriteBoolField(short id, bool value) => WriteFieldHeader(value ? CompactTrue : CompactFalse, id);

    public override void WriteListBegin(ThriftType elementType, int count)
    {
        // Up to 14 elements: size in the high nibble; otherwise 0xF and a varint size.
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | CompactCode(elementType)));
        }
        else
        {
            WriteByte((byte)(0xF0 | CompactCode(elementType)));
            WriteVarint32((uint)count);
        }
    }

    public override void WriteI32(int value) => WriteVarint32((uint)((value << 1) ^ (value >> 31)));

    public override void WriteI64(long value) => WriteVarint64((ulong)((value << 1) ^ (value >> 63)));

    public override void WriteDouble(double value)
    {
        if (TryTake(8, out var destination))
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
        }
    }

    protected override int ShortLengthPrefixSize => 1;

    protected override int ShortLengthMax => 127;

    protected override int MaxLengthPrefixSize => 5;

    protected override void WriteShortLength(Span<byte> destination, int length) => destination[0] = (byte)length;

    protected override void WriteLength(int length) => WriteVarint32((uint)length);

    protected override void ResetState()
    {
        _depth = 0;
        _lastFieldId = 0;
    }

    private void WriteFieldHeader(byte code, short id)
    {
        var delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteByte((byte)((delta << 4) | code));
        }
        else
        {
            WriteByte(code);
            WriteI32(id);
        }

        _lastFieldId = id;
    }

    private void WriteVarint32(uint value)
    {
        if (TryTake(Varint32Size(value), out var destination))
        {
            var i = 0;
            while (value >= 0x80)
            {
                destination[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            destination[i] = (byte)value;
        }
    }

    private void WriteVarint64(ulong value)
    {
        if (TryTake(Varint64Size(value), out var destination))
        {
            var i = 0;
            while (value >= 0x80)
            {
                destination[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            destination[i] = (byte)value;
        }
    }

    private static int Varint32Size(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    private static int Varint64Size(ulong value) => (63 - System.Numerics.BitOperations.LeadingZeroCount(value | 1) + 7) / 7;

    private static byte CompactCode(ThriftType type) => type switch
    {
        ThriftType.Bool => CompactTrue,
        ThriftType.Byte => 3,
        ThriftType.I16 => 4,
        ThriftType.I32 => 5,
        ThriftType.I64 => 6,
        ThriftType.Double => 7,
        ThriftType.String => 8,
        ThriftType.List => 9,
        ThriftType.Set => 10,
        ThriftType.Map => 11,
        ThriftType.Struct => 12,
        _ => 0,
    };
}

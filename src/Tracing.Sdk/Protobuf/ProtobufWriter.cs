using System.Text;

namespace Tracing.Sdk.Protobuf;

/// <summary>
/// Writes the Protocol Buffers binary format (protobuf.dev, "Encoding") into a span the caller sized
/// with <see cref="StringFieldSize"/>: as much as the SDK's messages need (the Jaeger sampling request).
/// </summary>
internal ref struct ProtobufWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public ProtobufWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>How many bytes have been written.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes a varint of <paramref name="value"/> takes: one per started group of seven bits.</summary>
    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>
    /// Bytes a string field takes: nothing for an empty string (proto3 does not write a field equal to
    /// its default, "Default Field Values"), else tag, length and UTF-8 bytes.
    /// </summary>
    public static int StringFieldSize(int fieldNumber, string value)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        return VarintSize(Tag(fieldNumber, ProtobufWireType.LengthDelimited)) + VarintSize((ulong)length) + length;
    }

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }

    public void WriteTag(int fieldNumber, ProtobufWireType wireType) => WriteVarint(Tag(fieldNumber, wireType));

    /// <summary>
    /// A string field as UTF-8, left out when empty. A lone surrogate becomes U+FFFD (proto3 strings must
    /// be valid UTF-8), in <see cref="StringFieldSize"/> too.
    /// </summary>
    public void WriteString(int fieldNumber, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        WriteTag(fieldNumber, ProtobufWireType.LengthDelimited);
        WriteVarint((ulong)Encoding.UTF8.GetByteCount(value));
        _position += Encoding.UTF8.GetBytes(value, _buffer[_position..]);
    }

    private static ulong Tag(int fieldNumber, ProtobufWireType wireType) => ((ulong)(uint)fieldNumber << 3) | (ulong)wireType;
}

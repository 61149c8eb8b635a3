using System.Buffers.Binary;

namespace Tracing.Sdk.Protobuf;

/// <summary>
/// Reads the Protocol Buffers binary format (protobuf.dev, "Encoding") from a span: tags, varints,
/// 64-bit fixed values and length-delimited fields, and skips the fields its caller does not know. The
/// input comes from the network: every method returns false on truncated or malformed input (and then
/// the reader's position is of no further use) instead of throwing, and nothing is allocated.
/// </summary>
internal ref struct ProtobufReader
{
    /// <summary>How deeply (deprecated) groups may nest inside an unknown field that is skipped.</summary>
    public const int MaxGroupDepth = 16;

    /// <summary>A varint holds at most 64 bits, seven per byte ("Base 128 Varints").</summary>
    private const int MaxVarintBytes = 10;

    /// <summary>Field numbers are 1 to 2^29 - 1 (language guide, "Assigning Field Numbers").</summary>
    private const int MaxFieldNumber = (1 << 29) - 1;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>True when every byte has been read: a message ends where its bytes do.</summary>
    public readonly bool IsAtEnd => _position >= _buffer.Length;

    /// <summary>How many bytes have been read.</summary>
    public readonly int Position => _position;

    /// <summary>A field's tag: <c>(field_number &lt;&lt; 3) | wire_type</c> as a 32-bit varint ("Message Structure").</summary>
    public bool TryReadTag(out int fieldNumber, out ProtobufWireType wireType)
    {
        fieldNumber = 0;
        wireType = default;
        if (!TryReadVarint(out var tag) || tag > uint.MaxValue)
        {
            return false;
        }

        var number = tag >> 3;
        var type = tag & 7;
        if (number is 0 or > MaxFieldNumber || type > (ulong)ProtobufWireType.Fixed32)
        {
            // Field 0 is reserved, and wire types 6 and 7 do not exist.
            return false;
        }

        fieldNumber = (int)number;
        wireType = (ProtobufWireType)type;
        return true;
    }

    /// <summary>
    /// A base-128 varint, least significant group first. Bits beyond the 64th of a tenth byte are
    /// dropped, as the reference parsers do; an eleventh byte makes the input malformed.
    /// </summary>
    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var i = 0; i < MaxVarintBytes; i++)
        {
            if (_position >= _buffer.Length)
            {
                return false;
            }

            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An <c>I64</c> value, little-endian.</summary>
    public bool TryReadFixed64(out ulong value)
    {
        if (_buffer.Length - _position < sizeof(ulong))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, sizeof(ulong)));
        _position += sizeof(ulong);
        return true;
    }

    /// <summary>A <c>double</c>: the IEEE 754 bits of an <c>I64</c> value.</summary>
    public bool TryReadDouble(out double value)
    {
        var read = TryReadFixed64(out var bits);
        value = BitConverter.UInt64BitsToDouble(bits);
        return read;
    }

    /// <summary>A <c>LEN</c> field's bytes: a varint length, then that many bytes, all of which must be there.</summary>
    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(out var length) || length > (ulong)(_buffer.Length - _position))
        {
            return false;
        }

        value = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>
    /// Skips the value of a field the caller does not know (proto3 keeps parsing past unknown fields,
    /// language guide "Unknown Fields"), whatever its wire type, groups included.
    /// </summary>
    public bool TrySkip(int fieldNumber, ProtobufWireType wireType) => TrySkip(fieldNumber, wireType, MaxGroupDepth);

    private bool TrySkip(int fieldNumber, ProtobufWireType wireType, int groupDepthLeft)
    {
        switch (wireType)
        {
            case ProtobufWireType.Varint:
                return TryReadVarint(out _);
            case ProtobufWireType.Fixed64:
                return TryAdvance(sizeof(ulong));
            case ProtobufWireType.LengthDelimited:
                return TryReadLengthDelimited(out _);
            case ProtobufWireType.Fixed32:
                return TryAdvance(sizeof(uint));
            case ProtobufWireType.StartGroup:
                if (groupDepthLeft == 0)
                {
                    return false;
                }

                // A group runs to the EGROUP tag of the same field number; anything else is malformed.
                while (TryReadTag(out var number, out var type))
                {
                    if (type == ProtobufWireType.EndGroup)
                    {
                        return number == fieldNumber;
                    }

                    if (!TrySkip(number, type, groupDepthLeft - 1))
                    {
                        return false;
                    }
                }

                return false;
            default:
                // An EGROUP that closes no group.
                return false;
        }
    }

    private bool TryAdvance(int count)
    {
        if (_buffer.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }
}

namespace Tracing.Sdk.Protobuf;

/// <summary>The wire types of the Protocol Buffers binary format (protobuf.dev, "Encoding", "Message Structure").</summary>
internal enum ProtobufWireType
{
    /// <summary><c>VARINT</c>: int32, int64, uint32, uint64, sint32, sint64, bool, enum.</summary>
    Varint = 0,

    /// <summary><c>I64</c>: fixed64, sfixed64, double, little-endian.</summary>
    Fixed64 = 1,

    /// <summary><c>LEN</c>: string, bytes, embedded messages, packed repeated fields; a varint length, then the bytes.</summary>
    LengthDelimited = 2,

    /// <summary><c>SGROUP</c>: start of a (deprecated) group; only ever skipped here.</summary>
    StartGroup = 3,

    /// <summary><c>EGROUP</c>: end of a (deprecated) group.</summary>
    EndGroup = 4,

    /// <summary><c>I32</c>: fixed32, sfixed32, float, little-endian.</summary>
    Fixed32 = 5,
}

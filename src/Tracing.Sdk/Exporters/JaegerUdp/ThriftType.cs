namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Thrift wire types, numbered as the binary protocol numbers them (Thrift <c>TType</c>); the compact
/// protocol maps them onto its own 4-bit codes.
/// </summary>
internal enum ThriftType : byte
{
    Stop = 0,
    Bool = 2,
    Byte = 3,
    Double = 4,
    I16 = 6,
    I32 = 8,
    I64 = 10,
    String = 11,
    Struct = 12,
    Map = 13,
    Set = 14,
    List = 15,
}

using Tracing.Sdk.Exporters.JaegerUdp;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>Byte-exact binary-protocol encodings (Apache Thrift thrift-binary-protocol.md, strict).</summary>
public sealed class ThriftBinaryWriterTests
{
    [Fact]
    public void MessageHeader_IsStrictVersionTypeNameSeqId() =>
        Assert.Equal(
            [0x80, 0x01, 0x00, 0x04, 0, 0, 0, 9, .. "emitBatch"u8, 0, 0, 0, 0],
            Write(w => w.WriteMessageBegin("emitBatch", ThriftWriter.OnewayMessage, 0)));

    [Fact]
    public void Fields_AreTypeAndBigEndianI16Id() =>
        Assert.Equal([0x0A, 0x00, 0x01, 0x0B, 0x01, 0x2C, 0x02, 0x00, 0x05, 0x01, 0x00], Write(w =>
        {
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.I64, 1);
            w.WriteFieldBegin(ThriftType.String, 300);
            w.WriteBoolField(5, true);
            w.WriteFieldStop();
            w.WriteStructEnd();
        }));

    [Fact]
    public void Numbers_AreFixedWidthBigEndian()
    {
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFE], Write(w => w.WriteI32(-2)));
        Assert.Equal([0x80, 0, 0, 0, 0, 0, 0, 0], Write(w => w.WriteI64(long.MinValue)));
        Assert.Equal([0x3F, 0xF0, 0, 0, 0, 0, 0, 0], Write(w => w.WriteDouble(1.0)));
    }

    [Fact]
    public void ListHeader_IsElementTypeAndI32Size() =>
        Assert.Equal([0x0C, 0, 0, 0x01, 0x2C], Write(w => w.WriteListBegin(ThriftType.Struct, 300)));

    [Fact]
    public void Strings_AreI32LengthAndUtf8()
    {
        Assert.Equal([0, 0, 0, 2, 0xC3, 0xA9], Write(w => w.WriteString("é")));
        Assert.Equal([0, 0, 0, 6, 0x61, 0x62, 0x63, 0xE2, 0x80, 0xA6], Write(w => w.WriteString("abcdefgh", 6)));
        Assert.Equal([0, 0, 0, 2, 1, 2], Write(w => w.WriteBinary([1, 2, 3], 2)));
    }

    private static byte[] Write(Action<ThriftWriter> write)
    {
        var buffer = new byte[1024];
        var writer = new ThriftBinaryWriter();
        writer.Reset(buffer, 0, buffer.Length);
        write(writer);
        Assert.False(writer.Overflowed);
        return buffer[..writer.Position];
    }
}

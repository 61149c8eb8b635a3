using System.Text;
using Tracing.Sdk.Exporters.JaegerUdp;

namespace Tracing.Sdk.Tests.Exporters.JaegerUdp;

/// <summary>Byte-exact compact-protocol encodings (Apache Thrift thrift-compact-protocol.md).</summary>
public sealed class ThriftCompactWriterTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void I32_IsAZigzagVarint(int value, byte[] expected) =>
        Assert.Equal(expected, Write(w => w.WriteI32(value)));

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(-1L, new byte[] { 0x01 })]
    [InlineData(150L, new byte[] { 0xAC, 0x02 })]
    [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void I64_IsAZigzagVarint(long value, byte[] expected) =>
        Assert.Equal(expected, Write(w => w.WriteI64(value)));

    [Fact]
    public void Double_IsLittleEndian() =>
        Assert.Equal([0, 0, 0, 0, 0, 0, 0xF0, 0x3F], Write(w => w.WriteDouble(1.0)));

    [Fact]
    public void FieldIds_AreDeltasUpTo15_ElseTheTypeThenAZigzagId()
    {
        var bytes = Write(w =>
        {
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.I64, 1);     // delta 1, type 6
            w.WriteFieldBegin(ThriftType.String, 5);  // delta 4, type 8
            w.WriteFieldBegin(ThriftType.I32, 30);    // delta 25: long form, zigzag(30) = 60
            w.WriteFieldBegin(ThriftType.Double, 2);  // backwards: long form
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        Assert.Equal([0x16, 0x48, 0x05, 0x3C, 0x07, 0x04, 0x00], bytes);
    }

    [Fact]
    public void BoolFields_CarryTheirValueInTheHeader() =>
        Assert.Equal([0x11, 0x12], Write(w =>
        {
            w.WriteStructBegin();
            w.WriteBoolField(1, true);
            w.WriteBoolField(2, false);
        }));

    [Fact]
    public void NestedStruct_RestoresTheOuterFieldId() =>
        Assert.Equal([0x1C, 0x15, 0x02, 0x00, 0x15, 0x04], Write(w =>
        {
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Struct, 1);
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.I32, 1);
            w.WriteI32(1);
            w.WriteFieldStop();
            w.WriteStructEnd();
            w.WriteFieldBegin(ThriftType.I32, 2); // delta 1 from the outer field 1
            w.WriteI32(2);
        }));

    [Theory]
    [InlineData(3, new byte[] { 0x3C })]
    [InlineData(14, new byte[] { 0xEC })]
    [InlineData(15, new byte[] { 0xFC, 0x0F })]
    [InlineData(300, new byte[] { 0xFC, 0xAC, 0x02 })]
    public void ListHeader_HoldsSmallSizesInTheHighNibble(int count, byte[] expected) =>
        Assert.Equal(expected, Write(w => w.WriteListBegin(ThriftType.Struct, count)));

    [Fact]
    public void Strings_AreVarintLengthAndUtf8()
    {
        Assert.Equal([0x03, 0x61, 0x62, 0x63], Write(w => w.WriteString("abc")));
        Assert.Equal([0x02, 0xC3, 0xA9], Write(w => w.WriteString("é")));
        Assert.Equal([0xC8, 0x01, .. Enumerable.Repeat((byte)'a', 200)], Write(w => w.WriteString(new string('a', 200))));
        Assert.Equal([0x00], Write(w => w.WriteString("")));
    }

    [Fact]
    public void MessageHeader_IsProtocolIdVersionAndTypeSeqIdName() =>
        Assert.Equal([0x82, 0x81, 0x00, 0x09, .. "emitBatch"u8], Write(w => w.WriteMessageBegin("emitBatch", ThriftWriter.OnewayMessage, 0)));

    [Theory]
    [InlineData("abcdefgh", 6, "abc…")]
    [InlineData("aéééé", 7, "aé…")] // 4 bytes for text: "aé" is 3, another "é" would make 5
    [InlineData("abc", 6, "abc")]
    [InlineData("abcdef", 6, "abcdef")]
    public void LongString_IsCutAtACharacterBoundaryAndEndsWithAnEllipsis(string value, int maxBytes, string expected)
    {
        var cut = false;
        var bytes = Write(w => cut = w.WriteString(value, maxBytes));

        Assert.Equal(value != expected, cut);
        var utf8 = Encoding.UTF8.GetBytes(expected);
        Assert.Equal([(byte)utf8.Length, .. utf8], bytes);
    }

    [Fact]
    public void WritingPastTheLimit_FlagsOverflowAndStaysWithinIt()
    {
        var buffer = new byte[16];
        var writer = new ThriftCompactWriter();
        writer.Reset(buffer, 2, 6);

        writer.WriteI32(1);
        Assert.False(writer.Overflowed);
        writer.WriteString("abcdefgh");
        writer.WriteI64(long.MinValue);

        Assert.True(writer.Overflowed);
        Assert.True(writer.Position <= 6);
        Assert.All(buffer[6..], b => Assert.Equal(0, b));
    }

    private static byte[] Write(Action<ThriftWriter> write)
    {
        var buffer = new byte[1024];
        var writer = new ThriftCompactWriter();
        writer.Reset(buffer, 0, buffer.Length);
        write(writer);
        Assert.False(writer.Overflowed);
        return buffer[..writer.Position];
    }
}

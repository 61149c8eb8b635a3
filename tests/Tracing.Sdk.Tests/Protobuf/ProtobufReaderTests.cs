using Google.Protobuf;
using Tracing.Sdk.Protobuf;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Tests.Protobuf;

/// <summary>The wire-format reader against what Google.Protobuf's <see cref="CodedOutputStream"/> writes, and against broken input.</summary>
public sealed class ProtobufReaderTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(127UL)]              // the largest one-byte varint
    [InlineData(128UL)]              // the smallest two-byte one
    [InlineData(300UL)]
    [InlineData(16_384UL)]
    [InlineData(uint.MaxValue)]
    [InlineData(long.MaxValue)]
    [InlineData(ulong.MaxValue)]     // ten bytes, the last holding one bit
    public void Varint_ReadsWhatGoogleProtobufWrites(ulong value)
    {
        var bytes = Write(output => output.WriteUInt64(value));
        var reader = new ProtobufReader(bytes);

        Assert.True(reader.TryReadVarint(out var read));

        Assert.Equal(value, read);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void NegativeInt32_IsTenBytes_WhoseLow32BitsAreTheValue()
    {
        var bytes = Write(output => output.WriteInt32(-3));
        var reader = new ProtobufReader(bytes);

        Assert.Equal(10, bytes.Length);
        Assert.True(reader.TryReadVarint(out var read));
        Assert.Equal(-3, unchecked((int)read));
    }

    [Theory]
    [InlineData("")]                       // nothing at all
    [InlineData("80")]                     // a continuation bit with nothing after it
    [InlineData("FFFF")]                   // two, still continuing
    [InlineData("FFFFFFFFFFFFFFFFFFFF01")] // eleven bytes: no 64-bit value is that long
    public void Varint_Malformed_IsRefused(string hex)
    {
        var reader = new ProtobufReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadVarint(out _));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.5)]
    [InlineData(0.001)]
    [InlineData(1.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void Double_ReadsWhatGoogleProtobufWrites(double value)
    {
        var reader = new ProtobufReader(Write(output => output.WriteDouble(value)));

        Assert.True(reader.TryReadDouble(out var read));

        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }

    [Fact]
    public void Fixed64_CutShort_IsRefused()
    {
        var reader = new ProtobufReader(new byte[7]);

        Assert.False(reader.TryReadFixed64(out _));
    }

    [Theory]
    [InlineData(1, WireFormat.WireType.Varint)]
    [InlineData(4, WireFormat.WireType.LengthDelimited)]
    [InlineData(16, WireFormat.WireType.Fixed64)]            // the first two-byte tag
    [InlineData(536_870_911, WireFormat.WireType.Fixed32)]   // the largest field number, 2^29 - 1
    public void Tag_ReadsWhatGoogleProtobufWrites(int field, WireFormat.WireType wireType)
    {
        var reader = new ProtobufReader(Write(output => output.WriteTag(field, wireType)));

        Assert.True(reader.TryReadTag(out var number, out var type));

        Assert.Equal(field, number);
        Assert.Equal((int)wireType, (int)type);
    }

    [Theory]
    [InlineData("00")]             // field number 0 is reserved
    [InlineData("0E")]             // field 1, wire type 6: no such type
    [InlineData("0F")]             // wire type 7 neither
    [InlineData("8080808010")]     // field number 2^29: one past the largest
    [InlineData("")]               // no tag at all
    public void Tag_Invalid_IsRefused(string hex)
    {
        var reader = new ProtobufReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Fact]
    public void Skip_PassesOverEveryWireType_GroupsIncluded()
    {
        var bytes = UnknownFields.Bytes();
        var reader = new ProtobufReader(bytes);
        var fields = new List<int>();

        while (!reader.IsAtEnd)
        {
            Assert.True(reader.TryReadTag(out var field, out var wireType));
            Assert.True(reader.TrySkip(field, wireType));
            fields.Add(field);
        }

        Assert.Equal([15, 16, 17, 18, 19], fields);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Theory]
    [InlineData("9B01A401")]       // group 19 closed as group 20
    [InlineData("9B01")]           // group 19 never closed
    [InlineData("9B010801")]       // a field inside, but still no end
    [InlineData("A401")]           // an end-group that closes nothing
    [InlineData("7A05010203")]     // five bytes announced, three there
    [InlineData("7AFFFFFFFF0F")]   // four gigabytes announced
    [InlineData("7D010203")]       // fixed32 cut short
    [InlineData("79010203040506")] // fixed64 cut short
    public void Skip_Malformed_IsRefused(string hex)
    {
        var reader = new ProtobufReader(Convert.FromHexString(hex));

        Assert.True(reader.TryReadTag(out var field, out var wireType));
        Assert.False(reader.TrySkip(field, wireType));
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(17, false)]
    public void Skip_GroupsNestMoreThanTheLimit_AreRefused(int depth, bool skipped)
    {
        var bytes = Write(output =>
        {
            for (var i = 0; i < depth; i++)
            {
                output.WriteTag(20, WireFormat.WireType.StartGroup);
            }

            for (var i = 0; i < depth; i++)
            {
                output.WriteTag(20, WireFormat.WireType.EndGroup);
            }
        });
        var reader = new ProtobufReader(bytes);

        Assert.True(reader.TryReadTag(out var field, out var wireType));
        Assert.Equal(skipped, reader.TrySkip(field, wireType));
        Assert.Equal(ProtobufReader.MaxGroupDepth, 16);
    }

    [Fact]
    public void LengthDelimited_ReadsWhatGoogleProtobufWrites()
    {
        var reader = new ProtobufReader(Write(output => output.WriteString(new string('x', 300))));

        Assert.True(reader.TryReadLengthDelimited(out var value));

        Assert.Equal(300, value.Length);
        Assert.True(reader.IsAtEnd);
    }

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var bytes = new MemoryStream();
        using (var output = new CodedOutputStream(bytes, leaveOpen: true))
        {
            write(output);
        }

        return bytes.ToArray();
    }
}

using Google.Protobuf;
using Tracing.Sdk.Protobuf;
using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>The wire-format writer byte for byte against Google.Protobuf's <see cref="CodedOutputStream"/>.</summary>
public sealed class ProtobufWriterTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(300UL)]
    [InlineData(uint.MaxValue)]
    [InlineData(ulong.MaxValue)]
    public void Varint_IsWrittenAsGoogleProtobufWritesIt(ulong value)
    {
        var expected = Reference(output => output.WriteUInt64(value));
        var buffer = new byte[16];
        var writer = new ProtobufWriter(buffer);

        writer.WriteVarint(value);

        Assert.Equal(expected, buffer[..writer.Position]);
        Assert.Equal(CodedOutputStream.ComputeUInt64Size(value), ProtobufWriter.VarintSize(value));
    }

    [Theory]
    [InlineData("checkout")]
    [InlineData("orders api/v2 ✓")]   // multi-byte UTF-8
    [InlineData("🚀 rocket")]          // a surrogate pair: four UTF-8 bytes
    [InlineData(null)]                 // 300 characters: a two-byte length
    public void StringField_IsWrittenAsGoogleProtobufWritesIt(string? value)
    {
        value ??= new string('s', 300);
        var expected = Reference(output =>
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        });
        var buffer = new byte[ProtobufWriter.StringFieldSize(1, value)];
        var writer = new ProtobufWriter(buffer);

        writer.WriteString(1, value);

        Assert.Equal(expected, buffer);
        Assert.Equal(buffer.Length, writer.Position);
    }

    [Fact]
    public void EmptyString_IsNotWritten_AsProto3LeavesDefaultsOut()
    {
        var writer = new ProtobufWriter([]);

        writer.WriteString(1, string.Empty);

        Assert.Equal(0, writer.Position);
        Assert.Equal(0, ProtobufWriter.StringFieldSize(1, string.Empty));
    }

    private static byte[] Reference(Action<CodedOutputStream> write)
    {
        using var bytes = new MemoryStream();
        using (var output = new CodedOutputStream(bytes, leaveOpen: true))
        {
            write(output);
        }

        return bytes.ToArray();
    }
}

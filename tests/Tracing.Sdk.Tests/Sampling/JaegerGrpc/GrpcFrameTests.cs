using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>gRPC's length-prefixed message in a unary response body (PROTOCOL-HTTP2.md, "Length-Prefixed-Message").</summary>
public sealed class GrpcFrameTests
{
    [Theory]
    [InlineData("0000000003010203", "010203")]       // one frame of three bytes
    [InlineData("0000000000", "")]                   // one empty message: a valid frame (the decoder then finds no strategy)
    public void OneFrame_GivesItsMessage(string body, string message)
    {
        var read = GrpcFrame.TryReadSingle(Convert.FromHexString(body), 1024, out var value, out var error);

        Assert.True(read, error);
        Assert.Equal(Convert.FromHexString(message), value.ToArray());
    }

    [Theory]
    [InlineData("", "without a message")]                          // a successful call must carry its one message
    [InlineData("00000000", "cut short")]                          // four bytes: not even a header
    [InlineData("0000000004010203", "cut short: 3 of 4 bytes")]     // the message is shorter than announced
    [InlineData("0100000001FF", "compressed")]                     // compressed, though the request accepted no encoding
    [InlineData("0200000001FF", "flag byte is 2")]                 // flags other than 0 and 1 do not exist
    [InlineData("00FFFFFFFF", "larger than 1024 bytes")]           // announced beyond the limit: refused unread
    [InlineData("000000000101000000000102", "more than one message")] // a unary call answers once
    [InlineData("000000000301020304", "more than one message")]     // bytes after the one message
    public void BadBodies_AreRefused(string body, string expected)
    {
        Assert.False(GrpcFrame.TryReadSingle(Convert.FromHexString(body), 1024, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHeader_IsTheFlagThenTheBigEndianLength()
    {
        var header = new byte[GrpcFrame.HeaderSize];

        GrpcFrame.WriteHeader(header, 0x01020304);

        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, header);
    }
}

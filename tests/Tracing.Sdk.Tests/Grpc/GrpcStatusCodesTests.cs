using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>The mappings of grpc/grpc doc/http-grpc-status-mapping.md and PROTOCOL-HTTP2.md "Errors".</summary>
public sealed class GrpcStatusCodesTests
{
    [Theory]
    [InlineData(400, 13)]
    [InlineData(401, 16)]
    [InlineData(403, 7)]
    [InlineData(404, 12)]
    [InlineData(429, 14)]
    [InlineData(502, 14)]
    [InlineData(503, 14)]
    [InlineData(504, 14)]
    [InlineData(500, 2)]
    [InlineData(302, 2)]
    public void HttpStatus_MapsToGrpcStatus(int http, int grpc) => Assert.Equal(grpc, GrpcStatusCodes.FromHttpStatus(http));

    [Theory]
    [InlineData(0x0, 13)]
    [InlineData(0x1, 13)]
    [InlineData(0x2, 13)]
    [InlineData(0x7, 14)]
    [InlineData(0x8, 1)]
    [InlineData(0xb, 8)]
    [InlineData(0xc, 7)]
    [InlineData(0xd, 13)]
    public void Http2ErrorCode_MapsToGrpcStatus(long error, int grpc) => Assert.Equal(grpc, GrpcStatusCodes.FromHttp2Error(error));

    [Theory]
    [InlineData("OK", 0)]
    [InlineData("NOT_FOUND", 5)]
    [InlineData("UNAUTHENTICATED", 16)]
    [InlineData("13", 13)] // Grpc.Net.Client's grpc.status_code: the number as text
    public void StatusName_OrNumber_IsParsed(string text, int code)
    {
        Assert.True(GrpcStatusCodes.TryParse(text, out var parsed));
        Assert.Equal(code, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not_found")] // names are upper case in statuscodes.md
    [InlineData("-1")] // not a number the protocol writes
    public void NeitherANameNorANumber_IsNotParsed(string? text) => Assert.False(GrpcStatusCodes.TryParse(text, out _));
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Tests.AspNetCore;

public sealed class GrpcConventionsTests
{
    [Theory]
    [InlineData("/greet.v1.Greeter/SayHello", "greet.v1.Greeter", "SayHello")]
    [InlineData("/Svc/M_1", "Svc", "M_1")]
    public void TryParsePath_SplitsServiceAndMethod(string path, string service, string method)
    {
        Assert.True(GrpcConventions.TryParsePath(path, out var s, out var m));
        Assert.Equal(service, s);
        Assert.Equal(method, m);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/OnlyService")]
    [InlineData("//Method")]
    [InlineData("/Svc/")]
    [InlineData("/a/b/c")]                 // three segments is not a gRPC method
    [InlineData("/Svc/Me thod")]           // not an identifier
    [InlineData("/Svc/Me.thod")]           // dots only belong to the package-qualified service
    [InlineData("Svc/Method")]             // no leading slash
    public void TryParsePath_RejectsWhatIsNotAMethodPath(string? path) =>
        Assert.False(GrpcConventions.TryParsePath(path, out _, out _));

    [Fact]
    public void TryParsePath_RejectsOverlongPaths() =>
        Assert.False(GrpcConventions.TryParsePath("/" + new string('a', 600) + "/M", out _, out _));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]   // CANCELLED: the caller's doing
    [InlineData(2, true)]    // UNKNOWN
    [InlineData(3, false)]   // INVALID_ARGUMENT
    [InlineData(4, true)]    // DEADLINE_EXCEEDED
    [InlineData(5, false)]   // NOT_FOUND
    [InlineData(7, false)]   // PERMISSION_DENIED
    [InlineData(12, true)]   // UNIMPLEMENTED
    [InlineData(13, true)]   // INTERNAL
    [InlineData(14, true)]   // UNAVAILABLE
    [InlineData(15, true)]   // DATA_LOSS
    [InlineData(16, false)]  // UNAUTHENTICATED
    public void IsServerError_FollowsTheServerRules(int status, bool error) =>
        Assert.Equal(error, GrpcConventions.IsServerError(status));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC", true)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpc_ByContentType(string? contentType, bool grpc)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        Assert.Equal(grpc, GrpcConventions.IsGrpc(context.Request));
    }

    [Fact]
    public void TryGetStatus_PrefersTheTrailer_ThenTheTrailersOnlyHeader_AndIgnoresGarbage()
    {
        var context = new DefaultHttpContext();
        var trailers = new TrailersFeature();
        context.Features.Set<IHttpResponseTrailersFeature>(trailers);

        Assert.False(GrpcConventions.TryGetStatus(context, out _));

        context.Response.Headers["grpc-status"] = "13";
        Assert.True(GrpcConventions.TryGetStatus(context, out var fromHeader));
        Assert.Equal(13, fromHeader);

        trailers.Trailers["grpc-status"] = "0";
        Assert.True(GrpcConventions.TryGetStatus(context, out var fromTrailer));
        Assert.Equal(0, fromTrailer);

        trailers.Trailers["grpc-status"] = "-1";
        context.Response.Headers["grpc-status"] = "99";
        Assert.False(GrpcConventions.TryGetStatus(context, out _));
    }

    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }
}

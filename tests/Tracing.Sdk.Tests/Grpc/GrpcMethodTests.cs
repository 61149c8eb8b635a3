using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

public sealed class GrpcMethodTests
{
    [Theory]
    [InlineData("/greet.Greeter/SayHello", "greet.Greeter/SayHello", "greet.Greeter", "SayHello")]
    [InlineData("/Greeter/SayHello", "Greeter/SayHello", "Greeter", "SayHello")] // no package
    [InlineData("/base/path/greet.Greeter/SayHello", "greet.Greeter/SayHello", "greet.Greeter", "SayHello")] // channel address with a path
    public void GrpcPath_GivesServiceMethodAndSpanName(string path, string name, string service, string method)
    {
        var parsed = GrpcMethod.FromPath(path);
        Assert.Equal(name, parsed.SpanName);
        Assert.Equal(service, parsed.Service);
        Assert.Equal(method, parsed.Method);
    }

    [Theory]
    [InlineData("/", "grpc")] // nothing to name it by
    [InlineData("/OnlyOne", "OnlyOne")] // no method segment
    [InlineData("/Service/", "Service")] // empty method
    public void PathNotShapedLikeAMethod_HasNoServiceOrMethod(string path, string name)
    {
        var parsed = GrpcMethod.FromPath(path);
        Assert.Equal(name, parsed.SpanName);
        Assert.Null(parsed.Service);
        Assert.Null(parsed.Method);
    }
}

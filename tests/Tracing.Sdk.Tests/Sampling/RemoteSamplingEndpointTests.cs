using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>Which protocol the remote policy speaks: <c>Remote:Protocol</c>, and for <c>auto</c> the endpoint's path.</summary>
public sealed class RemoteSamplingEndpointTests
{
    [Theory]
    [InlineData("http://localhost:5778/sampling", "auto", "http")]        // the agent's HTTP endpoint has a path
    [InlineData("http://collector:14268/api/sampling", "auto", "http")]   // so has the collector's
    [InlineData("http://localhost:14250", "auto", "grpc")]                // a gRPC server's address has none
    [InlineData("https://collector:14250/", "auto", "grpc")]              // a lone slash is no path
    [InlineData("http://localhost:14250", "http", "http")]                // an explicit protocol wins over the endpoint
    [InlineData("http://gateway/jaeger", "grpc", "grpc")]                 // gRPC behind a path prefix
    public void Resolve_FollowsTheExplicitProtocol_ElseTheEndpointsPath(string endpoint, string protocol, string expected)
    {
        var options = new RemoteSamplerOptions { Endpoint = endpoint, Protocol = Enum.Parse<RemoteSamplingProtocol>(protocol, ignoreCase: true) };

        Assert.Equal(expected, RemoteSamplingEndpoint.Name(RemoteSamplingEndpoint.Resolve(options)));
        Assert.Equal($"{expected} {endpoint}", RemoteSamplingEndpoint.Describe(options));
    }

    [Fact]
    public void Defaults_AreAutoAndTheAgentsHttpEndpoint()
    {
        var options = new RemoteSamplerOptions();

        Assert.Equal(RemoteSamplingProtocol.Auto, options.Protocol);
        Assert.Equal("http://localhost:5778/sampling", options.Endpoint);
        Assert.Equal(RemoteSamplingProtocol.Http, RemoteSamplingEndpoint.Resolve(options));
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>
/// The gRPC call against servers that break the protocol in ways Grpc.AspNetCore never would: a plain
/// Kestrel HTTP/2 endpoint on 127.0.0.1 answering by hand, one path prefix per misbehaviour.
/// </summary>
public sealed class GrpcStrategyClientTests : IAsyncLifetime
{
    private const string Method = "/jaeger.api_v2.SamplingManager/GetSamplingStrategy";

    /// <summary>A SamplingStrategyResponse { probabilisticSampling { samplingRate = 0.5 } }, framed.</summary>
    private static readonly byte[] s_frame = [0, 0, 0, 0, 11, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F];

    private WebApplication _app = null!;
    private string _base = string.Empty;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapPost("/ok" + Method, context => Answer(context, s_frame, "0"));
        _app.MapPost("/not-found" + Method, context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        _app.MapPost("/html" + Method, async context =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>proxy error</html>");
        });
        _app.MapPost("/no-trailers" + Method, async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(s_frame);
        });
        _app.MapPost("/two-messages" + Method, context => Answer(context, [.. s_frame, .. s_frame], "0"));
        _app.MapPost("/compressed" + Method, context => Answer(context, [1, .. s_frame[1..]], "0"));
        _app.MapPost("/bad-status" + Method, context => Answer(context, s_frame, "fourteen"));
        _app.MapPost("/encoded-message" + Method, context =>
        {
            context.Response.AppendTrailer("grpc-message", "d%C3%A9j%C3%A0 vu 100%25");
            return Answer(context, [], "9");
        });
        _app.MapPost("/huge" + Method, context => Answer(context, [0, 0x7F, 0xFF, 0xFF, 0xFF], "0"));
        await _app.StartAsync();
        _base = _app.Urls.First();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task GoodAnswer_IsTheMessageWithoutItsFrame()
    {
        using var client = new GrpcStrategyClient(_base + "/ok", "svc", TimeSpan.FromSeconds(5));

        var fetch = await client.FetchAsync(CancellationToken.None);

        Assert.Null(fetch.Failure);
        Assert.Equal(s_frame[5..], fetch.Answer.ToArray());
        Assert.Equal("/ok" + Method, client.Uri.AbsolutePath);
    }

    [Theory]
    [InlineData("not-found", "HTTP 404 Not Found without a grpc-status: not a gRPC server")]            // no gRPC server at that path
    [InlineData("html", "content-type 'text/html' is not application/grpc")]                           // a proxy's error page
    [InlineData("no-trailers", "the call ended without a grpc-status")]                                // the stream ended without trailers
    [InlineData("two-messages", "more than one message")]                                              // a unary call answers once
    [InlineData("compressed", "compressed, although the request accepted no compression")]             // no grpc-accept-encoding was sent
    [InlineData("bad-status", "grpc-status 'fourteen' is not a status code")]                          // the status must be a number
    [InlineData("encoded-message", "gRPC status 9 FAILED_PRECONDITION: déjà vu 100%")]                 // grpc-message is percent-encoded UTF-8
    [InlineData("huge", "larger than 1048576 bytes")]                                                  // announced beyond the limit
    public async Task ProtocolViolations_AreFailures_NotExceptions(string path, string expected)
    {
        using var client = new GrpcStrategyClient(_base + "/" + path, "svc", TimeSpan.FromSeconds(5));

        var fetch = await client.FetchAsync(CancellationToken.None);

        Assert.NotNull(fetch.Failure);
        Assert.Contains(expected, fetch.Failure, StringComparison.Ordinal);
    }

    private static async Task Answer(HttpContext context, byte[] body, string status)
    {
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(body);
        context.Response.AppendTrailer("grpc-status", status);
    }
}

using System.Buffers.Binary;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Benchmarks.Grpc;

/// <summary>
/// One unary gRPC call (HTTP/2 cleartext to a Kestrel server on 127.0.0.1, 5-byte framed message,
/// grpc-status trailer) sent through <see cref="GrpcTracing.CreateHandler"/> against the same call
/// without it, in the same run. With <see cref="Tracing"/> a host with AddTracing records every span
/// (const sampler, no exporter): the call without the handler then gets HttpClient's span, the call
/// with it the gRPC span instead (HttpClient's suppressed). Without tracing nothing listens and the
/// handler passes calls through.
/// </summary>
[MemoryDiagnoser]
public class GrpcClientHandlerBenchmarks
{
    private static readonly byte[] s_request = [0, 0, 0, 0, 5, 0x0a, 0x03, (byte)'a', (byte)'b', (byte)'c'];

    private WebApplication _server = null!;
    private IHost? _tracing;
    private HttpClient _plain = null!;
    private HttpClient _traced = null!;
    private Uri _address = null!;
    private readonly byte[] _buffer = new byte[256];

    [Params(true, false)]
    public bool Tracing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _server = builder.Build();
        _server.MapPost("/bench.Echo/Unary", async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(s_request);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _server.StartAsync().GetAwaiter().GetResult();
        _address = new Uri(_server.Urls.First() + "/bench.Echo/Unary");

        if (Tracing)
        {
            var host = Host.CreateApplicationBuilder();
            host.Logging.ClearProviders();
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracing:ServiceName"] = "bench",
                ["Tracing:Exporters:0"] = "none",
            });
            host.Services.AddTracing();
            _tracing = host.Build();
            _tracing.StartAsync().GetAwaiter().GetResult();
        }

        _plain = new HttpClient(new SocketsHttpHandler());
        _traced = new HttpClient(GrpcTracing.CreateHandler(new SocketsHttpHandler()));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _traced.Dispose();
        _tracing?.StopAsync().GetAwaiter().GetResult();
        _tracing?.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<int> WithoutHandler() => CallAsync(_plain);

    [Benchmark]
    public Task<int> WithHandler() => CallAsync(_traced);

    private async Task<int> CallAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _address)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(s_request),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var total = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer)) > 0)
        {
            total += read;
        }

        return total + (response.TrailingHeaders.TryGetValues("grpc-status", out _) ? 0 : throw new InvalidOperationException("no status"));
    }
}

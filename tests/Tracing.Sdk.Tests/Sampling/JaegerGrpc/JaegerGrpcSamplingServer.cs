using System.Net;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Tests.Sampling.JaegerGrpc.Proto;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Sampling.JaegerGrpc;

/// <summary>
/// A Jaeger sampling gRPC server: Grpc.AspNetCore on Kestrel at 127.0.0.1 over HTTP/2 cleartext (prior
/// knowledge), serving <c>jaeger.api_v2.SamplingManager/GetSamplingStrategy</c> with the stub Grpc.Tools
/// generates from jaeger_sampling.proto. It answers what the test set last; every request that reaches
/// Kestrel and every service name asked for are recorded. Started with <c>rawAnswers</c>, the same method
/// is bound with a byte marshaller, so that a test can answer bytes no protobuf library would write.
/// </summary>
internal sealed class JaegerGrpcSamplingServer : IAsyncDisposable
{
    private readonly bool _raw;
    private readonly WaitableList<ReceivedRequest> _requests = new();
    private readonly WaitableList<string> _serviceNames = new();
    private WebApplication? _app;
    private volatile Reply _reply = Reply.Answer(Strategies.Probabilistic(1));

    private JaegerGrpcSamplingServer(bool raw) => _raw = raw;

    /// <summary>The base address, <c>http://127.0.0.1:{port}</c> (plus the path base, if any): a gRPC endpoint has no path of its own.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Every HTTP request that reached the server, stalled or answered.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _requests.Snapshot;

    /// <summary>The <c>serviceName</c> of every call the gRPC service handled.</summary>
    public IReadOnlyList<string> ServiceNames => _serviceNames.Snapshot;

    public static async Task<JaegerGrpcSamplingServer> StartAsync(
        HttpProtocols protocols = HttpProtocols.Http2, bool rawAnswers = false, string? pathBase = null)
    {
        var server = new JaegerGrpcSamplingServer(rawAnswers);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(server);
        if (rawAnswers)
        {
            builder.Services.AddSingleton<IServiceMethodProvider<RawSamplingService>, RawSamplingMethodProvider>();
        }

        var app = builder.Build();
        if (pathBase is not null)
        {
            app.UsePathBase(pathBase);
        }

        app.Use(server.RecordAsync);
        if (rawAnswers)
        {
            app.MapGrpcService<RawSamplingService>();
        }
        else
        {
            app.MapGrpcService<SamplingService>();
        }

        await app.StartAsync();
        server._app = app;
        server.Endpoint = app.Urls.First() + (pathBase ?? string.Empty);
        return server;
    }

    /// <summary>Answers with this strategy.</summary>
    public void Answer(SamplingStrategyResponse response) => _reply = Reply.Answer(response);

    /// <summary>Answers with these bytes as the response message (only a server started with <c>rawAnswers</c>).</summary>
    public void AnswerBytes(byte[] message)
    {
        Assert.True(_raw, "only a server started with rawAnswers can answer arbitrary bytes");
        _reply = Reply.Bytes(message);
    }

    /// <summary>
    /// Ends calls with a non-OK status: in the trailers after the response headers, or, with
    /// <paramref name="trailersOnly"/>, in a Trailers-Only response (headers that end the stream).
    /// </summary>
    public void Fail(StatusCode status, string detail, bool trailersOnly) => _reply = Reply.Failure(status, detail, trailersOnly);

    /// <summary>
    /// Never answers: Kestrel holds the request (before any gRPC handling, so no deadline of the server's
    /// ends it) until the client gives up. With <paramref name="afterHeaders"/>, response headers and the
    /// start of a frame are sent first.
    /// </summary>
    public void Stall(bool afterHeaders = false) => _reply = afterHeaders ? Reply.StallAfterHeaders : Reply.Stall;

    /// <summary>Waits, bounded, until <paramref name="count"/> requests have reached the server.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count)
    {
        var (items, satisfied) = await _requests.WaitUntilAsync(r => r.Count >= count, TimeSpan.FromSeconds(15));
        Assert.True(satisfied, $"{count} request(s) did not reach the server within 15 s; {items.Count} did");
        return items;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The gRPC service's answer to one call, as the test set it.</summary>
    internal async Task<T> ReplyAsync<T>(SamplingStrategyParameters request, ServerCallContext context, Func<Reply, T> message)
    {
        _serviceNames.Add(request.ServiceName);
        var reply = _reply;
        if (reply.Status is { } status)
        {
            if (!reply.TrailersOnly)
            {
                // Once headers are out, the status can only travel in the trailers.
                await context.WriteResponseHeadersAsync(new Metadata());
            }

            throw new RpcException(new Status(status, reply.Detail ?? string.Empty));
        }

        return message(reply);
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        _requests.Add(new ReceivedRequest(
            context.Request.Path,
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        var reply = _reply;
        if (reply != Reply.Stall && reply != Reply.StallAfterHeaders)
        {
            await next(context);
            return;
        }

        if (reply == Reply.StallAfterHeaders)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0 }, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up: that is the end this reply waits for.
        }
    }

    /// <summary>A request as Kestrel received it.</summary>
    internal sealed record ReceivedRequest(string Path, string Protocol, IReadOnlyDictionary<string, string> Headers);

    /// <summary>What the server does with the next calls.</summary>
    internal sealed class Reply
    {
        public static readonly Reply Stall = new();
        public static readonly Reply StallAfterHeaders = new();

        public SamplingStrategyResponse? Response { get; private init; }

        public byte[]? Message { get; private init; }

        public StatusCode? Status { get; private init; }

        public string? Detail { get; private init; }

        public bool TrailersOnly { get; private init; }

        public static Reply Answer(SamplingStrategyResponse response) => new() { Response = response };

        public static Reply Bytes(byte[] message) => new() { Message = message };

        public static Reply Failure(StatusCode status, string detail, bool trailersOnly) =>
            new() { Status = status, Detail = detail, TrailersOnly = trailersOnly };
    }
}

/// <summary>The service, on the stub Grpc.Tools generated (the same server any gRPC peer would see).</summary>
internal sealed class SamplingService(JaegerGrpcSamplingServer server) : SamplingManager.SamplingManagerBase
{
    public override Task<SamplingStrategyResponse> GetSamplingStrategy(SamplingStrategyParameters request, ServerCallContext context) =>
        server.ReplyAsync(request, context, reply => reply.Response
            ?? throw new InvalidOperationException("this server answers typed messages only; start it with rawAnswers to answer bytes"));
}

/// <summary>The same method with the response marshalled as raw bytes, for answers that are not valid protobuf.</summary>
internal sealed class RawSamplingService(JaegerGrpcSamplingServer server)
{
    public Task<byte[]> GetSamplingStrategy(SamplingStrategyParameters request, ServerCallContext context) =>
        server.ReplyAsync(request, context, reply => reply.Message ?? reply.Response!.ToByteArray());
}

/// <summary>Binds <see cref="RawSamplingService"/> under the generated service's name and method.</summary>
internal sealed class RawSamplingMethodProvider : IServiceMethodProvider<RawSamplingService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<RawSamplingService> context)
    {
        var method = new Method<SamplingStrategyParameters, byte[]>(
            MethodType.Unary,
            SamplingManager.Descriptor.FullName,
            "GetSamplingStrategy",
            Marshallers.Create(static (SamplingStrategyParameters m) => m.ToByteArray(), SamplingStrategyParameters.Parser.ParseFrom),
            Marshallers.Create(static (byte[] b) => b, static b => b));
        context.AddUnaryMethod(method, [], static (service, request, call) => service.GetSamplingStrategy(request, call));
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// The ways a call ends that a well-behaved gRPC server does not produce on demand, from a Kestrel
/// HTTP/2 server that misbehaves on purpose: a stream reset mid-response, a 200 without grpc-status,
/// a non-gRPC HTTP error, a malformed grpc-status, a server that never answers (the client's own
/// deadline), and a body HttpClient buffers itself.
/// </summary>
public sealed class GrpcCallEndingTests(GrpcCallEndingTests.Server server) : IClassFixture<GrpcCallEndingTests.Server>
{
    [Theory]
    [InlineData(0xb, 8)] // ENHANCE_YOUR_CALM -> RESOURCE_EXHAUSTED
    [InlineData(0x7, 14)] // REFUSED_STREAM -> UNAVAILABLE
    [InlineData(0x2, 13)] // INTERNAL_ERROR -> INTERNAL
    public async Task StreamResetMidResponse_MapsTheHttp2ErrorCode(int errorCode, int expected)
    {
        var span = await CallAsync($"Reset{errorCode}", async client =>
        {
            using var request = client.CreateRequest("Reset", GrpcTestClient.Frame(new EchoRequest()));
            request.Headers.Add("x-reset-code", errorCode.ToString());
            // The reset may overtake the message already sent, even the response headers: the call
            // then fails in SendAsync (HttpRequestException) instead of while reading (IOException).
            var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var response = await client.SendAsync(request);
                await using var body = await response.Content.ReadAsStreamAsync();
                while (await GrpcTestClient.ReadMessageAsync(body) is not null)
                {
                }
            });
            Assert.True(failure is IOException or HttpRequestException, failure.ToString());
        });

        Assert.Equal((long)expected, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("exception", Assert.Single(span.Events).Name);
    }

    [Fact]
    public async Task ResponseWithoutGrpcStatus_IsInternal()
    {
        var span = await CallAsync("NoStatus", async client =>
        {
            var result = await client.UnaryAsync("NoStatus", new EchoRequest());
            Assert.Null(result.Status);
            Assert.Single(result.Replies);
        });

        Assert.Equal(13L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Theory]
    [InlineData("Missing", 12)] // 404 -> UNIMPLEMENTED
    [InlineData("Busy", 14)] // 503 -> UNAVAILABLE
    public async Task NonGrpcHttpError_MapsTheHttpStatus(string method, int expected)
    {
        var span = await CallAsync(method, async client =>
        {
            var result = await client.UnaryAsync(method, new EchoRequest());
            Assert.Null(result.Status);
        });

        Assert.Equal((long)expected, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task ClientDeadline_WithASilentServer_IsDeadlineExceeded()
    {
        var timeout = TimeSpan.FromMilliseconds(250);
        var span = await CallAsync("Silent", async client =>
        {
            // The local timer starts before the request is made, as Grpc.Net.Client's does; a little
            // later than the header says, so a slow start of the send cannot make it look early.
            using var deadline = new CancellationTokenSource(timeout + TimeSpan.FromMilliseconds(20));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => client.UnaryAsync("Silent", new EchoRequest(), timeout, cancellationToken: deadline.Token));
        });

        Assert.Equal(4L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal("Deadline Exceeded", span.StatusMessage);
        Assert.True(GrpcClientTracingHandlerTests.ToDateTime(span.EndTimeUnixNano) - GrpcClientTracingHandlerTests.ToDateTime(span.StartTimeUnixNano) >= timeout * 0.9);
    }

    [Fact]
    public async Task BodyBufferedByHttpClient_EndsWithTheTrailerStatus()
    {
        var span = await CallAsync("Ok", async client =>
        {
            using var http = new HttpClient(GrpcTracing.CreateHandler());
            using var request = client.CreateRequest("Ok", GrpcTestClient.Frame(new EchoRequest()));

            // ResponseContentRead: HttpClient reads the body to the end before returning.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        });

        Assert.Equal(0L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    private async Task<ReceivedSpan> CallAsync(string label, Func<GrpcTestClient, Task> call)
    {
        using var client = new GrpcTestClient(GrpcTracing.CreateHandler(), server.Address);
        string traceId, parentId;
        using (var parent = server.Host.StartParent(label))
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            await call(client);
        }

        var spans = await server.Receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId));
        return Assert.Single(spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Client);
    }

    /// <summary>The misbehaving HTTP/2 server, a receiver and a traced client host.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private WebApplication _app = null!;

        public string Address { get; private set; } = string.Empty;

        public OtlpReceiver Receiver { get; private set; } = null!;

        public TracedClientHost Host { get; private set; } = null!;

        /// <summary>Completed when the silent endpoint has the call carrying <c>x-test-id</c>.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Arrived { get; } = new();

        /// <summary>Waits (bounded) until the silent endpoint has the call <paramref name="testId"/>.</summary>
        public Task WaitForArrivalAsync(string testId) =>
            Arrived.GetOrAdd(testId, static _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(20));

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            _app = builder.Build();
            _app.MapPost($"/{GrpcTestClient.Service}/Reset", async context =>
            {
                await StartGrpcAsync(context);
                await context.Response.Body.FlushAsync();
                context.Features.Get<IHttpResetFeature>()!.Reset(int.Parse(context.Request.Headers["x-reset-code"]!));
            });
            _app.MapPost($"/{GrpcTestClient.Service}/NoStatus", StartGrpcAsync);
            _app.MapPost($"/{GrpcTestClient.Service}/Ok", async context =>
            {
                await StartGrpcAsync(context);
                context.Response.AppendTrailer("grpc-status", "0");
            });
            _app.MapPost($"/{GrpcTestClient.Service}/Busy", context =>
            {
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            });
            _app.MapPost($"/{GrpcTestClient.Service}/Malformed", async context =>
            {
                await StartGrpcAsync(context);
                context.Response.AppendTrailer("grpc-status", "abc");
            });
            _app.MapPost($"/{GrpcTestClient.Service}/Silent", async context =>
            {
                if (context.Request.Headers["x-test-id"].ToString() is { Length: > 0 } testId)
                {
                    Arrived.GetOrAdd(testId, static _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            });
            await _app.StartAsync();
            Address = _app.Urls.First();

            Receiver = await OtlpReceiver.StartAsync();
            Host = await TracedClientHost.StartAsync(Receiver);
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Receiver.DisposeAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private static async Task StartGrpcAsync(HttpContext context)
        {
            context.Response.ContentType = "application/grpc";
            var payload = new EchoReply { Text = "partial" }.ToByteArray();
            var frame = new byte[5 + payload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
            payload.CopyTo(frame, 5);
            await context.Response.Body.WriteAsync(frame);
        }
    }
}

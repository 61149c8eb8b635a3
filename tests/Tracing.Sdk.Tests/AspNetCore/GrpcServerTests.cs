using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tracing.Sdk.Tests.AspNetCore.Grpc;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// gRPC server spans against a real gRPC client: @grpc/grpc-js (tests/peers/grpc-server-client) calls a
/// Greeter that the test app serves by hand over HTTP/2 cleartext on Kestrel — length-prefixed
/// protobuf messages, <c>grpc-status</c> in trailers, or in the headers of a Trailers-Only response.
/// </summary>
public sealed class GrpcServerTests
{
    private const string Service = "tracing.test.Greeter";

    [Fact]
    public async Task UnaryStreamingAndErrorCalls_AreServerSpansNamedByMethod_ChildrenOfTheGrpcJsClientSpans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = $"grpc-{Guid.NewGuid():N}";
        var app = await TracingHost.StartWebAsync(
            TracingHost.OtlpSettings(receiver, service),
            MapGreeter,
            builder => builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2)));
        await using (app)
        {
            await using var client = await NodePeer.StartAsync("grpc-server-client/client.js", new Uri(app.BaseAddress()).Authority);

            var unary = await CallAsync(client, "unary", "unary alice");
            var stream = await CallAsync(client, "stream", "stream bob 3");
            var fail = await CallAsync(client, "fail", "fail carol");
            var reject = await CallAsync(client, "reject", "reject dave");

            Assert.Equal(0, unary.GetProperty("code").GetInt32());
            Assert.Equal(["Hello alice"], unary.GetProperty("replies").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal(["Hello bob #1", "Hello bob #2", "Hello bob #3"], stream.GetProperty("replies").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal(13, fail.GetProperty("code").GetInt32());
            Assert.Equal(3, reject.GetProperty("code").GetInt32());

            var calls = new[] { unary, stream, fail, reject };
            var spans = await receiver.WaitForSpansAsync(s => calls.All(c => s.Any(x => x.TraceId == c.GetProperty("traceId").GetString() && x.Kind == ActivityKind.Server)));

            var unarySpan = ServerSpanOf(spans, unary);
            Assert.Equal($"{Service}/SayHello", unarySpan.Name);
            Assert.Equal("grpc", unarySpan.Attribute("rpc.system"));
            Assert.Equal(Service, unarySpan.Attribute("rpc.service"));
            Assert.Equal("SayHello", unarySpan.Attribute("rpc.method"));
            Assert.Equal(0L, unarySpan.Attribute("rpc.grpc.status_code"));
            Assert.Equal("2", unarySpan.Attribute("network.protocol.version"));
            Assert.Equal("127.0.0.1", unarySpan.Attribute("client.address"));
            Assert.Equal(ActivityStatusCode.Unset, unarySpan.Status);

            // HTTP attributes kept minimal: the RPC attributes say it all.
            Assert.Null(unarySpan.Attribute("http.route"));
            Assert.Null(unarySpan.Attribute("url.path"));
            Assert.Null(unarySpan.Attribute("http.response.status_code"));

            var streamSpan = ServerSpanOf(spans, stream);
            Assert.Equal($"{Service}/StreamHellos", streamSpan.Name);
            Assert.Equal(0L, streamSpan.Attribute("rpc.grpc.status_code"));
            Assert.Equal(ActivityStatusCode.Unset, streamSpan.Status);

            // INTERNAL, sent Trailers-Only (grpc-status in the response headers): a server error.
            var failSpan = ServerSpanOf(spans, fail);
            Assert.Equal($"{Service}/Fail", failSpan.Name);
            Assert.Equal(13L, failSpan.Attribute("rpc.grpc.status_code"));
            Assert.Equal("INTERNAL", failSpan.Attribute("error.type"));
            Assert.Equal(ActivityStatusCode.Error, failSpan.Status);

            // INVALID_ARGUMENT, sent in trailers after the headers: the caller's error, not the server's.
            var rejectSpan = ServerSpanOf(spans, reject);
            Assert.Equal(3L, rejectSpan.Attribute("rpc.grpc.status_code"));
            Assert.Null(rejectSpan.Attribute("error.type"));
            Assert.Equal(ActivityStatusCode.Unset, rejectSpan.Status);
        }
    }

    private static ReceivedSpan ServerSpanOf(IReadOnlyList<ReceivedSpan> spans, JsonElement call)
    {
        var span = Assert.Single(spans, s => s.TraceId == call.GetProperty("traceId").GetString() && s.Kind == ActivityKind.Server);
        Assert.Equal(call.GetProperty("spanId").GetString(), span.ParentSpanId);
        return span;
    }

    internal static async Task<JsonElement> CallAsync(NodePeer client, string call, string command)
    {
        await client.SendAsync(command);
        var line = await client.WaitForLineAsync(l => l.Contains($"\"call\":\"{call}\"", StringComparison.Ordinal));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    internal static void MapGreeter(WebApplication app)
    {
        app.MapPost($"/{Service}/SayHello", async context =>
        {
            var request = await ReadRequestAsync(context);
            context.Response.ContentType = "application/grpc";
            await WriteMessageAsync(context, new HelloReply { Message = $"Hello {request.Name}" });
            context.Response.AppendTrailer("grpc-status", "0");
        });

        app.MapPost($"/{Service}/StreamHellos", async context =>
        {
            var request = await ReadRequestAsync(context);
            context.Response.ContentType = "application/grpc";
            for (var i = 1; i <= request.Count; i++)
            {
                await WriteMessageAsync(context, new HelloReply { Message = $"Hello {request.Name} #{i}" });
                await context.Response.Body.FlushAsync();
            }

            context.Response.AppendTrailer("grpc-status", "0");
        });

        app.MapPost($"/{Service}/Fail", async context =>
        {
            await ReadRequestAsync(context);
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "13";
            context.Response.Headers["grpc-message"] = "boom";
        });

        app.MapPost($"/{Service}/Reject", async context =>
        {
            await ReadRequestAsync(context);
            context.Response.ContentType = "application/grpc";
            await context.Response.StartAsync();
            context.Response.AppendTrailer("grpc-status", "3");
            context.Response.AppendTrailer("grpc-message", "name rejected");
        });
    }

    private static async Task<HelloRequest> ReadRequestAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4));
        return HelloRequest.Parser.ParseFrom(bytes, 5, length);
    }

    private static async Task WriteMessageAsync(HttpContext context, IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
    }
}

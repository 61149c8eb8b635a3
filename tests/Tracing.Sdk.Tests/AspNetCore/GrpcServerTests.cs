using System.Diagnostics;
using System.Text.Json;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// gRPC server spans against a real gRPC client and a real gRPC server: @grpc/grpc-js
/// (tests/peers/grpc-server-client) calls the Greeter that Grpc.AspNetCore serves over HTTP/2
/// cleartext, in every call shape, with the status in trailers or in a Trailers-Only response.
/// </summary>
public sealed class GrpcServerTests
{
    private const string Service = "tracing.test.Greeter";

    [Fact]
    public async Task EveryCallShapeAndErrors_AreServerSpansNamedByMethod_ChildrenOfTheGrpcJsClientSpans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await GreeterServer.StartAsync(receiver);
        await using var client = await NodePeer.StartAsync("grpc-server-client/client.js", server.Uri.Authority);

        var unary = await CallAsync(client, "unary", "unary alice");
        var stream = await CallAsync(client, "stream", "stream bob 3");
        var collect = await CallAsync(client, "collect", "collect ann,ben,cy");
        var chat = await CallAsync(client, "chat", "chat dee,eve");
        var fail = await CallAsync(client, "fail", "fail carol");
        var reject = await CallAsync(client, "reject", "reject dave");

        Assert.Equal(0, unary.GetProperty("code").GetInt32());
        Assert.Equal(["Hello alice"], Replies(unary));
        Assert.Equal(["Hello bob #1", "Hello bob #2", "Hello bob #3"], Replies(stream));
        Assert.Equal(["Hello ann, ben, cy"], Replies(collect));
        Assert.Equal(["Hello dee", "Hello eve"], Replies(chat));
        Assert.Equal(13, fail.GetProperty("code").GetInt32());
        Assert.Equal(3, reject.GetProperty("code").GetInt32());

        var calls = new[] { unary, stream, collect, chat, fail, reject };
        var spans = await receiver.WaitForSpansAsync(s => calls.All(c => s.Any(x => x.TraceId == c.GetProperty("traceId").GetString() && x.Kind == ActivityKind.Server)));
        foreach (var call in calls)
        {
            // The grpc-js client's span is the context the trace came in with; nothing else hangs loose.
            TraceAssert.Connected(spans.Where(s => s.TraceId == call.GetProperty("traceId").GetString()).ToList(), call.GetProperty("spanId").GetString()!);
        }

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

        foreach (var (call, method) in new[] { (stream, "StreamHellos"), (collect, "CollectHellos"), (chat, "Chat") })
        {
            var span = ServerSpanOf(spans, call);
            Assert.Equal($"{Service}/{method}", span.Name);
            Assert.Equal(method, span.Attribute("rpc.method"));
            Assert.Equal(0L, span.Attribute("rpc.grpc.status_code"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }

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

    [Fact]
    public async Task GrpcAspNetCoresOwnTags_AreReplacedByTheRpcAttributes()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await GreeterServer.StartAsync(receiver);
        await using var client = await NodePeer.StartAsync("grpc-server-client/client.js", server.Uri.Authority);

        var unary = await CallAsync(client, "unary", "unary frank");
        var fail = await CallAsync(client, "fail", "fail gina");
        var spans = await receiver.WaitForSpansAsync(s => new[] { unary, fail }.All(c => s.Any(x => x.TraceId == c.GetProperty("traceId").GetString() && x.Kind == ActivityKind.Server)));

        // Grpc.AspNetCore tags the hosting Activity with grpc.method ("/tracing.test.Greeter/SayHello")
        // and grpc.status_code ("0", text): the same facts as rpc.service/rpc.method and
        // rpc.grpc.status_code, outside the conventions. The span carries them once.
        foreach (var (call, code) in new[] { (unary, 0L), (fail, 13L) })
        {
            var span = ServerSpanOf(spans, call);
            Assert.Null(span.Attribute("grpc.method"));
            Assert.Null(span.Attribute("grpc.status_code"));
            Assert.Equal(code, span.Attribute("rpc.grpc.status_code"));
            Assert.Equal(Service, span.Attribute("rpc.service"));
        }
    }

    private static IEnumerable<string?> Replies(JsonElement call) => call.GetProperty("replies").EnumerateArray().Select(r => r.GetString());

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
}

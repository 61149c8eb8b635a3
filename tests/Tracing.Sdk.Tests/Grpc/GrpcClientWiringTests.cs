using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// Every README wiring of gRPC client tracing, with the real Grpc.Net.Client calling a real
/// Grpc.AspNetCore service, both traced, both exporting to one collector: each call of each shape is
/// one gRPC CLIENT span, the caller's child, the server span's parent, and nothing in the trace hangs
/// loose; HttpClient's span beneath it is suppressed, with or without SDK wiring.
/// With the interceptor the span is the interceptor's (Grpc.Net.Client's Activity beneath it is not
/// recorded); otherwise it is Grpc.Net.Client's own Activity, recorded and described by the SDK. The
/// channel wirings use the process-wide propagators, hence the collection that runs alone.
/// </summary>
[Collection(GrpcProcessWidePropagatorGroup.Name)]
public sealed class GrpcClientWiringTests
{
    public enum Wiring
    {
        /// <summary><c>AddGrpcClient&lt;T&gt;().AddInterceptor&lt;TracingInterceptor&gt;()</c>.</summary>
        InterceptorFromServices,

        /// <summary><c>channel.Intercept(GrpcTracing.CreateInterceptor())</c>.</summary>
        InterceptorOnChannel,

        /// <summary><c>AddGrpcClient&lt;T&gt;().AddGrpcTracing()</c>.</summary>
        HandlerFromServices,

        /// <summary><c>new GrpcChannelOptions { HttpHandler = GrpcTracing.CreateHandler() }</c>.</summary>
        HandlerOnChannel,

        /// <summary>Both on one client: <c>.AddInterceptor&lt;TracingInterceptor&gt;().AddGrpcTracing()</c>.</summary>
        InterceptorAndHandler,

        /// <summary><c>AddGrpcClient&lt;T&gt;()</c> and nothing else: Grpc.Net.Client's own Activity is the span.</summary>
        Unwired,
    }

    public static TheoryData<Wiring> Wirings => new(Enum.GetValues<Wiring>());

    [Theory]
    [MemberData(nameof(Wirings))]
    public async Task EveryCallShape_IsOneClientSpan_TheCallersChild_AndTheServerSpansParent(Wiring wiring)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await GreeterServer.StartAsync(receiver);
        await using var client = await GreeterClientHost.StartAsync(receiver, server, wiring);

        string traceId, parentId;
        using (var parent = client.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            var greeter = client.Greeter;

            Assert.Equal("Hello ann", (await greeter.SayHelloAsync(new HelloRequest { Name = "ann" })).Message);

            using (var stream = greeter.StreamHellos(new HelloRequest { Name = "bob", Count = 3 }))
            {
                Assert.Equal(["Hello bob #1", "Hello bob #2", "Hello bob #3"], await ReadAllAsync(stream.ResponseStream));
            }

            using (var collect = greeter.CollectHellos())
            {
                foreach (var name in new[] { "cy", "dee", "eve" })
                {
                    await collect.RequestStream.WriteAsync(new HelloRequest { Name = name });
                }

                await collect.RequestStream.CompleteAsync();
                Assert.Equal("Hello cy, dee, eve", (await collect.ResponseAsync).Message);
            }

            using (var chat = greeter.Chat())
            {
                foreach (var name in new[] { "fay", "gus", "hal" })
                {
                    await chat.RequestStream.WriteAsync(new HelloRequest { Name = name });
                    Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None));
                    Assert.Equal($"Hello {name}", chat.ResponseStream.Current.Message);
                }

                await chat.RequestStream.CompleteAsync();
                Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None));
            }

            var failed = await Assert.ThrowsAsync<RpcException>(() => greeter.FailAsync(new HelloRequest { Name = "ivy" }).ResponseAsync);
            Assert.Equal(StatusCode.Internal, failed.StatusCode);
            Assert.Equal("boom", failed.Status.Detail);
        }

        var trace = await receiver.WaitForSpansAsync(all =>
            all.Any(s => s.SpanId == parentId) && all.Count(s => s.TraceId == traceId && s.Kind == ActivityKind.Server) == 5);
        trace = trace.Where(s => s.TraceId == traceId).ToList();
        TraceAssert.Connected(trace);

        // The parent, one client span per call, one server span per call: HttpClient's span beneath
        // each call is suppressed.
        var interceptor = wiring is Wiring.InterceptorFromServices or Wiring.InterceptorOnChannel or Wiring.InterceptorAndHandler;
        Assert.Equal(11, trace.Count);
        var clients = trace.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => s.StartTimeUnixNano).ToList();
        Assert.Equal(
            ["SayHello", "StreamHellos", "CollectHellos", "Chat", "Fail"],
            clients.Select(s => (string)s.Attribute("rpc.method")!));
        Assert.Equal([0L, 0L, 0L, 0L, 13L], clients.Select(s => (long)s.Attribute("rpc.grpc.status_code")!));
        var serverKnown = wiring is not (Wiring.InterceptorFromServices or Wiring.InterceptorOnChannel or Wiring.Unwired);
        foreach (var span in clients)
        {
            Assert.Equal(interceptor ? "Tracing.Sdk.Grpc" : "Grpc.Net.Client", span.ScopeName);
            Assert.Equal(client.Host.ServiceName, span.ServiceName);
            Assert.Equal(parentId, span.ParentSpanId);
            Assert.Equal($"tracing.test.Greeter/{span.Attribute("rpc.method")}", span.Name);
            Assert.Equal("grpc", span.Attribute("rpc.system"));
            Assert.Equal("tracing.test.Greeter", span.Attribute("rpc.service"));

            // The interceptor alone does not see the channel's address (Grpc.Net.Client gives it no
            // host); the handler, alone or beneath the interceptor, does.
            Assert.Equal(serverKnown ? "127.0.0.1" : null, span.Attribute("server.address"));
            Assert.Equal(serverKnown ? (long)server.Uri.Port : null, span.Attribute("server.port"));

            var serverSpan = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.Attribute("rpc.method") as string == span.Attribute("rpc.method") as string);
            Assert.Equal(server.ServiceName, serverSpan.ServiceName);
            Assert.Equal(span.SpanId, serverSpan.ParentSpanId);
        }

        var fail = clients[^1];
        Assert.Equal(ActivityStatusCode.Error, fail.Status);
        Assert.Equal("boom", fail.StatusMessage);

        Assert.All(clients.Take(4), s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Theory]
    [MemberData(nameof(Wirings))]
    public async Task StreamingCallDisposedEarly_EndsOnce_Cancelled_WhenDisposed(Wiring wiring)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await GreeterServer.StartAsync(receiver);
        await using var client = await GreeterClientHost.StartAsync(receiver, server, wiring);

        string traceId, parentId;
        DateTime disposedAt;
        using (var parent = client.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            var stream = client.Greeter.StreamHellos(new HelloRequest { Name = "long", Count = 1000, DelayMs = 20 });
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal("Hello long #1", stream.ResponseStream.Current.Message);
            stream.Dispose();
            disposedAt = DateTime.UtcNow;
        }

        var trace = (await receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId) && all.Any(s => s.TraceId == traceId && s.Kind == ActivityKind.Server)))
            .Where(s => s.TraceId == traceId).ToList();
        TraceAssert.Connected(trace);
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal(1L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.True(GrpcClientTracingHandlerTests.ToDateTime(span.EndTimeUnixNano) <= disposedAt.AddMilliseconds(1), "the span outlived the call");
    }

    private static async Task<List<string>> ReadAllAsync(IAsyncStreamReader<HelloReply> reader)
    {
        var replies = new List<string>();
        while (await reader.MoveNext(CancellationToken.None))
        {
            replies.Add(reader.Current.Message);
        }

        return replies;
    }

    /// <summary>A traced client host and a Greeter client wired as the test says.</summary>
    private sealed class GreeterClientHost : IAsyncDisposable
    {
        private readonly GrpcChannel? _channel;

        private GreeterClientHost(TracedClientHost host, Greeter.GreeterClient greeter, GrpcChannel? channel)
        {
            Host = host;
            Greeter = greeter;
            _channel = channel;
        }

        public TracedClientHost Host { get; }

        public Greeter.GreeterClient Greeter { get; }

        public static async Task<GreeterClientHost> StartAsync(OtlpReceiver receiver, GreeterServer server, Wiring wiring)
        {
            var host = await TracedClientHost.StartAsync(receiver, services: services =>
            {
                var client = services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = server.Uri);
                _ = wiring switch
                {
                    Wiring.InterceptorFromServices => client.AddInterceptor<TracingInterceptor>(),
                    Wiring.HandlerFromServices => client.AddGrpcTracing(),
                    Wiring.InterceptorAndHandler => client.AddInterceptor<TracingInterceptor>().AddGrpcTracing(),
                    _ => client,
                };
            });

            GrpcChannel? channel = wiring switch
            {
                Wiring.InterceptorOnChannel => GrpcChannel.ForAddress(server.Uri),
                Wiring.HandlerOnChannel => GrpcChannel.ForAddress(server.Uri, new GrpcChannelOptions { HttpHandler = GrpcTracing.CreateHandler() }),
                _ => null,
            };
            var greeter = wiring switch
            {
                Wiring.InterceptorOnChannel => new Greeter.GreeterClient(channel!.Intercept(GrpcTracing.CreateInterceptor())),
                Wiring.HandlerOnChannel => new Greeter.GreeterClient(channel),
                _ => host.Services.GetRequiredService<Greeter.GreeterClient>(),
            };
            return new GreeterClientHost(host, greeter, channel);
        }

        public async ValueTask DisposeAsync()
        {
            _channel?.Dispose();
            await Host.DisposeAsync();
        }
    }
}

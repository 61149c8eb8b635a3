using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// The README's wiring styles with the real Grpc.Net.Client against the grpc-js peer:
/// <c>AddGrpcClient&lt;T&gt;().AddGrpcTracing()</c>, <c>GrpcChannelOptions.HttpHandler = GrpcTracing.CreateHandler()</c>
/// and <c>AddGrpcClient&lt;T&gt;().AddInterceptor&lt;TracingInterceptor&gt;()</c>.
/// </summary>
public sealed class GrpcNetClientTests(GrpcPeerFixture fixture) : IClassFixture<GrpcPeerFixture>
{
    [Fact]
    public async Task AddGrpcClient_WithAddGrpcTracing_TracesTheCall_AndPropagatesIt()
    {
        await using var host = await TracedClientHost.StartAsync(fixture.Receiver, services: services =>
        {
            services.AddSingleton(DistributedContextPropagator.CreateW3CPropagator());
            services.AddGrpcClient<EchoClient>(o => o.Address = new Uri(fixture.Peer.Address)).AddGrpcTracing();
        });
        var client = host.Services.GetRequiredService<EchoClient>();
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            var reply = await client.UnaryAsync(new EchoRequest { Text = "real" }, new CallOptions(new Metadata { { "x-test-id", testId } }));
            Assert.Equal("real", reply.Text);
        }

        var trace = await fixture.TraceAsync(traceId, parentId);
        Assert.Equal(2, trace.Count);
        TraceAssert.Connected(trace);
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);

        // The caller's child: Grpc.Net.Client's own Activity between them is not exported.
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal("tracingtest.Echo/Unary", span.Name);
        Assert.Equal(0L, span.Attribute("rpc.grpc.status_code"));
        var call = await fixture.Peer.WaitForCallAsync(testId);
        Assert.Equal($"00-{traceId}-{span.SpanId}-01", call.OnlyValue("traceparent"));
    }

    [Fact]
    public async Task ChannelWithCreateHandler_ReportsEachEndingAsGrpcNetClientDoes()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Peer.Address, new GrpcChannelOptions { HttpHandler = GrpcTracing.CreateHandler() });
        var client = new EchoClient(channel.CreateCallInvoker());
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());

            var notFound = await Assert.ThrowsAsync<RpcException>(() => client.FailAsync(new EchoRequest { Text = "no such order" }).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, notFound.StatusCode);

            var late = await Assert.ThrowsAsync<RpcException>(() =>
                client.SleepAsync(new EchoRequest { DelayMs = 10_000 }, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(300))).ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

            using (var stream = client.ServerStream(new EchoRequest { Text = "s", Count = 1000, DelayMs = 20 }))
            {
                Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            }

            using (var stream = client.ServerStream(new EchoRequest { Text = "s", Count = 3 }))
            {
                var count = 0;
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                    count++;
                }

                Assert.Equal(3, count);
            }
        }

        var trace = await fixture.TraceAsync(traceId, parentId);
        TraceAssert.Connected(trace);
        var spans = trace.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => s.StartTimeUnixNano).ToList();
        Assert.All(spans, s => Assert.Equal(parentId, s.ParentSpanId));
        Assert.Equal(["tracingtest.Echo/Fail", "tracingtest.Echo/Sleep", "tracingtest.Echo/ServerStream", "tracingtest.Echo/ServerStream"], spans.Select(s => s.Name));
        Assert.Equal([5L, 4L, 1L, 0L], spans.Select(s => (long)s.Attribute("rpc.grpc.status_code")!));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset], spans.Select(s => s.Status));

        Assert.Equal("no such order", spans[0].StatusMessage);

        // The span is Grpc.Net.Client's own Activity, described by the SDK.
        Assert.All(spans, s => Assert.Equal("Grpc.Net.Client", s.ScopeName));
    }

    [Fact]
    public async Task AddGrpcClient_WithTheInterceptor_TracesEveryCallShape_AndTheServerSeesItsSpan()
    {
        await using var host = await TracedClientHost.StartAsync(fixture.Receiver, services: services =>
            services.AddGrpcClient<EchoClient>(o => o.Address = new Uri(fixture.Peer.Address)).AddInterceptor<TracingInterceptor>());
        var client = host.Services.GetRequiredService<EchoClient>();
        var ids = new Dictionary<string, string>();
        CallOptions Tagged(string method) => new(new Metadata { { "x-test-id", ids[method] = Guid.NewGuid().ToString("N") } });
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            Assert.Equal("u", (await client.UnaryAsync(new EchoRequest { Text = "u" }, Tagged("Unary"))).Text);

            using (var stream = client.ServerStream(new EchoRequest { Text = "s", Count = 3 }, Tagged("ServerStream")))
            {
                var indexes = new List<int>();
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                    indexes.Add(stream.ResponseStream.Current.Index);
                }

                Assert.Equal([0, 1, 2], indexes);
            }

            using (var upload = client.ClientStream(Tagged("ClientStream")))
            {
                foreach (var text in new[] { "a", "b", "c" })
                {
                    await upload.RequestStream.WriteAsync(new EchoRequest { Text = text });
                }

                await upload.RequestStream.CompleteAsync();
                Assert.Equal("a,b,c", (await upload.ResponseAsync).Text);
            }

            using (var chat = client.Bidi(Tagged("Bidi")))
            {
                for (var i = 0; i < 3; i++)
                {
                    await chat.RequestStream.WriteAsync(new EchoRequest { Text = $"ping-{i}" });
                    Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None));
                    Assert.Equal($"ping-{i}", chat.ResponseStream.Current.Text);
                }

                await chat.RequestStream.CompleteAsync();
                Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None));
            }

            var notFound = await Assert.ThrowsAsync<RpcException>(() => client.FailAsync(new EchoRequest { Text = "gone" }, Tagged("Fail")).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        }

        var trace = await fixture.TraceAsync(traceId, parentId);
        TraceAssert.Connected(trace);
        Assert.Equal(6, trace.Count);
        foreach (var (method, id) in ids)
        {
            var span = Assert.Single(trace, s => s.Name == $"tracingtest.Echo/{method}");
            Assert.Equal(parentId, span.ParentSpanId);
            Assert.Equal("Tracing.Sdk.Grpc", span.ScopeName);
            Assert.Equal(method == "Fail" ? 5L : 0L, span.Attribute("rpc.grpc.status_code"));
            var call = await fixture.Peer.WaitForCallAsync(id);
            Assert.Equal($"00-{traceId}-{span.SpanId}-01", call.OnlyValue("traceparent"));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeadlineCancellationAndEarlyDispose_AgainstGrpcJs_EachEndTheirSpanOnce(bool interceptor)
    {
        await using var host = await TracedClientHost.StartAsync(fixture.Receiver, services: services =>
        {
            var client = services.AddGrpcClient<EchoClient>(o => o.Address = new Uri(fixture.Peer.Address));
            _ = interceptor ? client.AddInterceptor<TracingInterceptor>() : client.AddGrpcTracing();
        });
        var client = host.Services.GetRequiredService<EchoClient>();
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());

            var late = await Assert.ThrowsAsync<RpcException>(() =>
                client.SleepAsync(new EchoRequest { DelayMs = 10_000 }, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(300))).ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

            using (var cancel = new CancellationTokenSource())
            {
                var sleeping = client.SleepAsync(new EchoRequest { DelayMs = 10_000 }, new CallOptions(new Metadata { { "x-test-id", testId } }, cancellationToken: cancel.Token));

                // Cancel once the server is in the call, not on a timer.
                await fixture.Peer.WaitForCallAsync(testId);
                cancel.Cancel();
                Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => sleeping.ResponseAsync)).StatusCode);
            }

            using (var stream = client.ServerStream(new EchoRequest { Text = "long", Count = 1000, DelayMs = 20 }))
            {
                Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            }
        }

        var trace = await fixture.TraceAsync(traceId, parentId);
        TraceAssert.Connected(trace);
        var spans = trace.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => s.StartTimeUnixNano).ToList();
        Assert.Equal(["tracingtest.Echo/Sleep", "tracingtest.Echo/Sleep", "tracingtest.Echo/ServerStream"], spans.Select(s => s.Name));
        Assert.Equal([4L, 1L, 1L], spans.Select(s => (long)s.Attribute("rpc.grpc.status_code")!));
        Assert.All(spans, s => Assert.Equal(parentId, s.ParentSpanId));
        Assert.All(spans, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
    }
}

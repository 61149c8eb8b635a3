using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// The README's two wiring styles with the real Grpc.Net.Client against the grpc-js peer:
/// <c>AddGrpcClient&lt;T&gt;().AddGrpcTracing()</c> and <c>GrpcChannelOptions.HttpHandler = GrpcTracing.CreateHandler()</c>.
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
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
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

        var spans = (await fixture.TraceAsync(traceId, parentId)).Where(s => s.Kind == ActivityKind.Client).OrderBy(s => s.StartTimeUnixNano).ToList();
        Assert.Equal(["tracingtest.Echo/Fail", "tracingtest.Echo/Sleep", "tracingtest.Echo/ServerStream", "tracingtest.Echo/ServerStream"], spans.Select(s => s.Name));
        Assert.Equal([5L, 4L, 1L, 0L], spans.Select(s => (long)s.Attribute("rpc.grpc.status_code")!));
        Assert.Equal("no such order", spans[0].StatusMessage);
    }
}

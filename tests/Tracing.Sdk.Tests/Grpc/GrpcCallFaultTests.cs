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
/// Grpc.Net.Client calls to a server that misbehaves on purpose (<see cref="GrpcCallEndingTests.Server"/>),
/// traced by the interceptor or by the handler: each call is one span, ended once, with the status the
/// caller gets (Grpc.Net.Client's <see cref="RpcException"/>), and the caller gets exactly what it gets
/// without tracing. With the interceptor the span is the interceptor's; with the handler it is
/// Grpc.Net.Client's own Activity, which Grpc.Net.Client ends with the status it reports.
/// </summary>
public sealed class GrpcCallFaultTests(GrpcCallEndingTests.Server server) : IClassFixture<GrpcCallEndingTests.Server>
{
    [Theory]
    [InlineData("NoStatus", StatusCode.Cancelled)] // 200 and a message, no grpc-status trailer
    [InlineData("Malformed", StatusCode.Cancelled)] // grpc-status: abc
    [InlineData("Busy", StatusCode.Unavailable)] // HTTP 503, no grpc-status (http-grpc-status-mapping.md)
    [InlineData("Missing", StatusCode.Unimplemented)] // HTTP 404
    public async Task BrokenResponse_EndsOnce_WithTheCallersStatus(string method, StatusCode callerSees)
    {
        var untraced = await Assert.ThrowsAsync<RpcException>(() => Untraced().Call(method, new EchoRequest()).ResponseAsync);
        Assert.Equal(callerSees, untraced.StatusCode);

        var (intercepted, interceptorSpan) = await CallAsync(Interceptor(), client => client.Call(method, new EchoRequest()).ResponseAsync);
        Assert.Equal(callerSees, Assert.IsType<RpcException>(intercepted).StatusCode);
        Assert.Equal((long)callerSees, interceptorSpan.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, interceptorSpan.Status);

        var (handled, handlerSpan) = await CallAsync(Handler(), client => client.Call(method, new EchoRequest()).ResponseAsync);
        Assert.Equal(callerSees, Assert.IsType<RpcException>(handled).StatusCode);
        Assert.Equal((long)callerSees, handlerSpan.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, handlerSpan.Status);
    }

    [Theory]
    [InlineData(0x7, 14)] // REFUSED_STREAM -> UNAVAILABLE
    [InlineData(0x8, 1)] // CANCEL -> CANCELLED
    [InlineData(0xb, 8)] // ENHANCE_YOUR_CALM -> RESOURCE_EXHAUSTED
    [InlineData(0x2, 13)] // INTERNAL_ERROR -> INTERNAL
    public async Task StreamReset_EndsOnce_WithTheResetsStatus(int errorCode, int expected)
    {
        var headers = new Metadata { { "x-reset-code", errorCode.ToString() } };
        foreach (var wiring in new[] { Interceptor(), Handler() })
        {
            var (failure, span) = await CallAsync(wiring, async client =>
            {
                using var call = client.Stream("Reset", new EchoRequest(), new CallOptions(headers));
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            });

            var rpc = Assert.IsType<RpcException>(failure);
            Assert.Equal((long)expected, span.Attribute("rpc.grpc.status_code"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);

            // Either way the code is the one the caller got.
            Assert.Equal((long)rpc.StatusCode, span.Attribute("rpc.grpc.status_code"));
        }
    }

    [Fact]
    public async Task ServerThatNeverAnswers_EndsAtTheDeadline_DeadlineExceeded()
    {
        foreach (var wiring in new[] { Interceptor(), Handler() })
        {
            var (failure, span) = await CallAsync(wiring, client =>
                client.Call("Silent", new EchoRequest(), new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(300))).ResponseAsync);

            Assert.Equal(StatusCode.DeadlineExceeded, Assert.IsType<RpcException>(failure).StatusCode);
            Assert.Equal(4L, span.Attribute("rpc.grpc.status_code"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
        }
    }

    [Fact]
    public async Task CallerCancelsBeforeTheFirstMessage_EndsOnce_Cancelled()
    {
        foreach (var wiring in new[] { Interceptor(), Handler() })
        {
            var testId = Guid.NewGuid().ToString("N");
            var (failure, span) = await CallAsync(wiring, async client =>
            {
                using var cancel = new CancellationTokenSource();
                using var call = client.Stream("Silent", new EchoRequest(), new CallOptions(new Metadata { { "x-test-id", testId } }, cancellationToken: cancel.Token));

                // Cancel once the server has the call, before it sends anything (not on a timer).
                await server.WaitForArrivalAsync(testId);
                cancel.Cancel();
                await call.ResponseStream.MoveNext(CancellationToken.None);
            });

            Assert.Equal(StatusCode.Cancelled, Assert.IsType<RpcException>(failure).StatusCode);
            Assert.Equal(1L, span.Attribute("rpc.grpc.status_code"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
        }
    }

    private EchoClient Untraced() => new(GrpcChannel.ForAddress(server.Address).CreateCallInvoker());

    /// <summary>The interceptor the fixture host registered (its propagators), on a plain channel.</summary>
    private TracedWiring Interceptor() =>
        new(server.Host.Services.GetRequiredService<TracingInterceptor>(), GrpcChannel.ForAddress(server.Address));

    private TracedWiring Handler() =>
        new(null, GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = GrpcTracing.CreateHandler() }));

    /// <summary>Makes the call under a parent span; returns what it threw and the call's one client span.</summary>
    private async Task<(Exception? Failure, ReceivedSpan Span)> CallAsync(TracedWiring wiring, Func<EchoClient, Task> call)
    {
        using var channel = wiring.Channel;
        var invoker = wiring.Interceptor is null ? channel.CreateCallInvoker() : channel.Intercept(wiring.Interceptor);
        Exception? failure = null;
        string traceId, parentId;
        using (var parent = server.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            try
            {
                await call(new EchoClient(invoker));
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        var trace = (await server.Receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId))).Where(s => s.TraceId == traceId).ToList();
        TraceAssert.Connected(trace);
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal(wiring.Interceptor is null ? "Grpc.Net.Client" : "Tracing.Sdk.Grpc", span.ScopeName);
        Assert.Equal(2, trace.Count);
        return (failure, span);
    }

    private sealed record TracedWiring(TracingInterceptor? Interceptor, GrpcChannel Channel);
}

using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// The interceptor over an in-memory invoker the test drives: messages and results pass through
/// unchanged, the caller's metadata is left alone, the span ends exactly once whichever way the call
/// ends, and nothing of its own is thrown into the call.
/// </summary>
public sealed class TracingInterceptorTests : IDisposable
{
    private readonly TestActivities _callers = new();
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];
    private readonly FakeCallInvoker _invoker = new();
    private readonly CallInvoker _traced;

    public TracingInterceptorTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Tracing.Sdk.Grpc",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (_stopped) { _stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(_listener);
        _traced = _invoker.Intercept(new TracingInterceptor(DistributedContextPropagator.CreateW3CPropagator()));
    }

    [Fact]
    public async Task Bidi_MessagesPassThroughInOrder_AndTheSpanEndsOnceAtTheStreamsEnd()
    {
        _invoker.Replies.AddRange(Enumerable.Range(0, 20).Select(i => $"reply-{i}"));
        using var caller = _callers.Start("caller");
        using var call = _traced.AsyncDuplexStreamingCall(FakeCallInvoker.Method(MethodType.DuplexStreaming, "Chat"), null, default);
        var read = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync($"request-{i}");
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            read.Add(call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        call.Dispose();

        Assert.Equal(_invoker.Replies, read);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"request-{i}"), _invoker.Written);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal("fake.Service/Chat", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(caller.SpanId, span.ParentSpanId);
        Assert.Equal(0, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task ServerStreaming_EndingInAnError_EndsWithItsStatus_AndTheCallerGetsTheSameException()
    {
        _invoker.Replies.AddRange(["a", "b"]);
        _invoker.FinalStatus = new Status(StatusCode.ResourceExhausted, "quota");
        using var caller = _callers.Start("caller");
        using var call = _traced.AsyncServerStreamingCall(FakeCallInvoker.Method(MethodType.ServerStreaming), null, default, "go");

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(8, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("quota", span.StatusDescription);
        Assert.Empty(span.Events);
    }

    [Fact]
    public async Task Unary_TheResponseIsTheInvokers_AndTheSpanEndedBeforeTheCallerSeesIt()
    {
        using var caller = _callers.Start("caller");
        using var call = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, default, "hello");
        Assert.Empty(Stopped(caller));
        _invoker.Response.SetResult("world");

        Assert.Equal("world", await call.ResponseAsync);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(0, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(["hello"], _invoker.Written);
        Assert.Same(caller, Activity.Current);
    }

    [Fact]
    public async Task TheCallStartsUnderItsSpanAndSuppressed_AndTheCallerKeepsItsOwnContext()
    {
        using var caller = _callers.Start("caller");
        using var call = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, default, "hello");

        // The caller's flow: its own Activity, nothing suppressed, while the call runs.
        Assert.Same(caller, Activity.Current);
        Assert.False(OpenTelemetry.Sdk.SuppressInstrumentation);
        var (current, suppressed) = Assert.Single(_invoker.StartedUnder);
        Assert.True(suppressed);
        Assert.NotNull(current);
        Assert.Equal(caller.SpanId, current.ParentSpanId);
        Assert.Equal("fake.Service/Call", current.DisplayName);

        _invoker.Response.SetResult("world");
        Assert.Equal("world", await call.ResponseAsync);
        Assert.Same(current, Assert.Single(Stopped(caller)));
        Assert.Same(caller, Activity.Current);
        Assert.False(OpenTelemetry.Sdk.SuppressInstrumentation);
    }

    [Fact]
    public async Task ClientStreaming_FailingWithAnRpcException_RecordsItsDebugException()
    {
        using var caller = _callers.Start("caller");
        using var call = _traced.AsyncClientStreamingCall(FakeCallInvoker.Method(MethodType.ClientStreaming), null, default);
        await call.RequestStream.WriteAsync("one");
        await call.RequestStream.WriteAsync("two");
        var transport = new IOException("connection reset");
        _invoker.Response.SetException(new RpcException(new Status(StatusCode.Unavailable, "Error reading", transport)));

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Same(transport, failure.Status.DebugException);
        Assert.Equal(["one", "two"], _invoker.Written);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(14, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(typeof(IOException).FullName, Assert.Single(span.Events).Tags.First(t => t.Key == "exception.type").Value);
    }

    [Fact]
    public void DisposedBeforeTheResponse_EndsOnce_Cancelled_AndTheLateResponseChangesNothing()
    {
        using var caller = _callers.Start("caller");
        var call = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, default, "hello");
        call.Dispose();
        call.Dispose();
        _invoker.Response.SetException(new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client.")));

        Assert.Equal(2, _invoker.Disposed);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(1, span.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public async Task DisposedAfterTheStreamCompleted_KeepsTheCallsStatus()
    {
        _invoker.Replies.Add("only");
        using var caller = _callers.Start("caller");
        var call = _traced.AsyncServerStreamingCall(FakeCallInvoker.Method(MethodType.ServerStreaming), null, default, "go");
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        // Every message read, the end not asked for: the call is complete, and OK.
        call.Dispose();

        var span = Assert.Single(Stopped(caller));
        Assert.Equal(0, span.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public void InvokerThatThrowsAtStart_TheCallerGetsItsException_TheSpanEndsUnknown()
    {
        var refused = new InvalidOperationException("no channel");
        _invoker.StartFailure = refused;
        using var caller = _callers.Start("caller");

        var thrown = Assert.Throws<InvalidOperationException>(() => _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, default, "x"));

        Assert.Same(refused, thrown);
        Assert.Same(caller, Activity.Current);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(2, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal("no channel", span.StatusDescription);
        Assert.Equal("exception", Assert.Single(span.Events).Name);
    }

    [Fact]
    public void BlockingUnary_IsTraced_AndLeavesTheCallerCurrent()
    {
        _invoker.Response.SetResult("done");
        using var caller = _callers.Start("caller");

        Assert.Equal("done", _traced.BlockingUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, default, "x"));

        Assert.Same(caller, Activity.Current);
        var span = Assert.Single(Stopped(caller));
        Assert.Equal(caller.SpanId, span.ParentSpanId);
        Assert.Equal(0, span.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public void CallersMetadata_IsLeftAlone_AndAContextItSetItselfWins()
    {
        using var caller = _callers.Start("caller");
        var own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var reused = new Metadata { { "x-tenant", "blue" }, { "traceparent", own } };
        var plain = new Metadata { { "x-tenant", "green" } };
        _invoker.Response.SetResult("ok");

        _ = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, new CallOptions(reused), "a");
        _ = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, new CallOptions(plain), "b");
        _ = _traced.AsyncUnaryCall(FakeCallInvoker.Method(MethodType.Unary), null, new CallOptions(plain), "c");

        Assert.Equal(2, reused.Count);
        Assert.Single(plain);
        Assert.Equal(own, _invoker.Headers[0]!.GetValue("traceparent"));
        Assert.Equal("blue", _invoker.Headers[0]!.GetValue("x-tenant"));

        // Each call its own span as the parent, never the one a previous call left behind.
        var second = _invoker.Headers[1]!.GetValue("traceparent");
        var third = _invoker.Headers[2]!.GetValue("traceparent");
        Assert.Equal("green", _invoker.Headers[1]!.GetValue("x-tenant"));
        Assert.StartsWith($"00-{caller.TraceId}-", second, StringComparison.Ordinal);
        Assert.NotEqual(second, third);
        Assert.Single(_invoker.Headers[1]!, e => e.Key == "traceparent");
    }

    [Fact]
    public async Task AddTracing_RegistersOneInterceptor_WithTheHostsPropagators()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Services.AddTracing(o => o.Exporters = ["none"]);
        builder.Services.AddTracing();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            Assert.Single(builder.Services, d => d.ServiceType == typeof(TracingInterceptor));
            Assert.Same(host.Services.GetRequiredService<TracingInterceptor>(), host.Services.GetRequiredService<TracingInterceptor>());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _callers.Dispose();
    }

    private List<Activity> Stopped(Activity caller)
    {
        lock (_stopped)
        {
            return _stopped.Where(a => a.TraceId == caller.TraceId).ToList();
        }
    }
}

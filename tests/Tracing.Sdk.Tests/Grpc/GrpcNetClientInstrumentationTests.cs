using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// An app that also has OpenTelemetry's <c>AddGrpcClientInstrumentation()</c>, which makes
/// Grpc.Net.Client's own Activity a span: each call is still one gRPC span, with the SDK's name and
/// attribute set, the caller's child and the server's parent. With the interceptor that span is the
/// SDK's (everything beneath it is suppressed); with the handler alone, or no SDK wiring, it is the
/// instrumentation's, described by the SDK.
/// </summary>
[Collection(GrpcProcessWidePropagatorGroup.Name)]
public sealed class GrpcNetClientInstrumentationTests
{
    private const string InstrumentationSource = "OpenTelemetry.Instrumentation.GrpcNetClient";

    public enum Wiring
    {
        Interceptor,
        Handler,
        InterceptorAndHandler,

        /// <summary>The handler, and the instrumentation's <c>SuppressDownstreamInstrumentation</c> (it then injects itself).</summary>
        HandlerWithSuppressDownstream,

        /// <summary>No SDK wiring: the instrumentation's span only (and HttpClient's beneath it).</summary>
        InstrumentationAlone,
    }

    public static TheoryData<Wiring> Wirings => new(Enum.GetValues<Wiring>());

    [Theory]
    [MemberData(nameof(Wirings))]
    public async Task EachCall_IsOneGrpcSpan_WithTheSdksNameAndAttributes(Wiring wiring)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await GreeterServer.StartAsync(receiver);
        await using var host = await TracedClientHost.StartAsync(
            receiver,
            // Several hosts share this test process: the instrumentation's source names this host's spans.
            new Dictionary<string, string?> { ["Tracing:Sources:1"] = InstrumentationSource },
            services =>
            {
                services.AddOpenTelemetry().WithTracing(b => b.AddGrpcClientInstrumentation(o =>
                    o.SuppressDownstreamInstrumentation = wiring == Wiring.HandlerWithSuppressDownstream));
                var client = services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = server.Uri);
                _ = wiring switch
                {
                    Wiring.Interceptor => client.AddInterceptor<TracingInterceptor>(),
                    Wiring.Handler or Wiring.HandlerWithSuppressDownstream => client.AddGrpcTracing(),
                    Wiring.InterceptorAndHandler => client.AddInterceptor<TracingInterceptor>().AddGrpcTracing(),
                    _ => client,
                };
            });
        var greeter = host.Services.GetRequiredService<Greeter.GreeterClient>();

        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            Assert.Equal("Hello ann", (await greeter.SayHelloAsync(new HelloRequest { Name = "ann" })).Message);
            var failed = await Assert.ThrowsAsync<RpcException>(() => greeter.FailAsync(new HelloRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Internal, failed.StatusCode);
        }

        var trace = (await receiver.WaitForSpansAsync(all =>
            all.Any(s => s.SpanId == parentId) && all.Count(s => s.TraceId == traceId && s.Kind == ActivityKind.Server) == 2))
            .Where(s => s.TraceId == traceId).ToList();
        TraceAssert.Connected(trace);

        var grpc = trace.Where(s => s.Kind == ActivityKind.Client && s.Attribute("rpc.system") is not null).OrderBy(s => s.StartTimeUnixNano).ToList();
        Assert.Equal(2, grpc.Count);
        Assert.Equal(["tracing.test.Greeter/SayHello", "tracing.test.Greeter/Fail"], grpc.Select(s => s.Name));
        Assert.Equal([0L, 13L], grpc.Select(s => (long)s.Attribute("rpc.grpc.status_code")!));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Error], grpc.Select(s => s.Status));

        var interceptor = wiring is Wiring.Interceptor or Wiring.InterceptorAndHandler;
        var serverKnown = wiring != Wiring.Interceptor;
        string[] expected = serverKnown
            ? ["rpc.grpc.status_code", "rpc.method", "rpc.service", "rpc.system", "server.address", "server.port"]
            : ["rpc.grpc.status_code", "rpc.method", "rpc.service", "rpc.system"];
        foreach (var span in grpc)
        {
            Assert.Equal(parentId, span.ParentSpanId);
            Assert.Equal(interceptor ? "Tracing.Sdk.Grpc" : InstrumentationSource, span.ScopeName);
            Assert.Equal(expected, span.Attributes.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("grpc", span.Attribute("rpc.system"));
            Assert.Equal("tracing.test.Greeter", span.Attribute("rpc.service"));

            // The server's parent is the one gRPC span, or HttpClient's span beneath it where the
            // instrumentation alone keeps that one.
            var serverSpan = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.Attribute("rpc.method") as string == span.Attribute("rpc.method") as string);
            var serverParent = Assert.Single(trace, s => s.SpanId == serverSpan.ParentSpanId);
            if (!ReferenceEquals(serverParent, span))
            {
                Assert.Equal(Wiring.InstrumentationAlone, wiring);
                Assert.Equal("System.Net.Http", serverParent.ScopeName);
                Assert.Equal(span.SpanId, serverParent.ParentSpanId);
            }
        }

        Assert.Equal(5, trace.Count(s => s.ScopeName != "System.Net.Http"));
        Assert.True(wiring == Wiring.InstrumentationAlone || trace.All(s => s.ScopeName != "System.Net.Http"), "HttpClient's span beneath a traced call");
    }
}

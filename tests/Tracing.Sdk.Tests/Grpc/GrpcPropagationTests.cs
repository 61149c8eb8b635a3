using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// What the grpc-js server receives as the call's context, for each configured propagation format,
/// with the host's propagators taken from DI (AddGrpcTracing). The parent it names is the gRPC span,
/// and each header arrives once.
/// </summary>
public sealed class GrpcPropagationTests(GrpcPeerFixture fixture) : IClassFixture<GrpcPeerFixture>
{
    [Theory]
    [InlineData("tracecontext")]
    [InlineData("b3")]
    [InlineData("b3multi")]
    [InlineData("jaeger")]
    public async Task ConfiguredFormat_IsInjected_WithTheGrpcSpanAsParent(string format)
    {
        await using var host = await TracedClientHost.StartAsync(
            fixture.Receiver,
            new Dictionary<string, string?> { ["Tracing:Propagators:0"] = format },
            services => services.AddHttpClient("propagation").AddGrpcTracing());
        using var client = new GrpcTestClient(
            host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("propagation"), fixture.Peer.Address);
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            Assert.Equal(0, (await client.UnaryAsync("Unary", new EchoRequest { Text = format }, testId: testId)).Status);
        }

        var spans = await fixture.TraceAsync(traceId, parentId);
        var grpc = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal(2, spans.Count);
        AssertPropagated(format, await fixture.Peer.WaitForCallAsync(testId), traceId, grpc.SpanId);
    }

    [Theory]
    [InlineData("tracecontext")]
    [InlineData("b3")]
    [InlineData("b3multi")]
    [InlineData("jaeger")]
    public async Task ConfiguredFormat_IsInjectedIntoTheMetadata_ByTheInterceptor_Once(string format)
    {
        await using var host = await TracedClientHost.StartAsync(
            fixture.Receiver,
            new Dictionary<string, string?> { ["Tracing:Propagators:0"] = format },
            services => services.AddGrpcClient<EchoClient>(o => o.Address = new Uri(fixture.Peer.Address)).AddInterceptor<TracingInterceptor>());
        var client = host.Services.GetRequiredService<EchoClient>();
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            await client.UnaryAsync(new EchoRequest { Text = format }, new CallOptions(new Metadata { { "x-test-id", testId } }));
        }

        var spans = await fixture.TraceAsync(traceId, parentId);
        var grpc = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal(2, spans.Count);
        var call = await fixture.Peer.WaitForCallAsync(testId);
        AssertPropagated(format, call, traceId, grpc.SpanId);

        // HttpClient beneath the interceptor adds no context of its own.
        Assert.Equal(format == "tracecontext", call.Metadata.ContainsKey("traceparent"));
    }

    /// <summary>The context as each format writes it (W3C Trace Context; B3 single and multi; Jaeger uber-trace-id).</summary>
    internal static void AssertPropagated(string format, ReceivedCall call, string traceId, string spanId)
    {
        switch (format)
        {
            case "tracecontext":
                Assert.Equal($"00-{traceId}-{spanId}-01", call.OnlyValue("traceparent"));
                break;
            case "b3":
                Assert.Equal($"{traceId}-{spanId}-1", call.OnlyValue("b3"));
                break;
            case "b3multi":
                Assert.Equal(traceId, call.OnlyValue("x-b3-traceid"));
                Assert.Equal(spanId, call.OnlyValue("x-b3-spanid"));
                Assert.Equal("1", call.OnlyValue("x-b3-sampled"));
                break;
            case "jaeger":
                // {trace-id}:{span-id}:{parent-span-id}:{flags}, ids in hex that may drop leading zeros.
                var parts = call.OnlyValue("uber-trace-id").Split(':');
                Assert.Equal(4, parts.Length);
                Assert.Equal(traceId, parts[0].PadLeft(32, '0'));
                Assert.Equal(spanId, parts[1].PadLeft(16, '0'));
                Assert.Equal(1, int.Parse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "no assertion written for this format");
        }
    }
}

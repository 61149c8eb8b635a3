using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Grpc;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// gRPC client spans against a real grpc-js server: one CLIENT span per call, named after the method,
/// ended exactly once by whichever way the call ends, with the status the call ended with, and the
/// trace context the server received pointing at it.
/// </summary>
public sealed class GrpcClientTracingHandlerTests(GrpcPeerFixture fixture) : IClassFixture<GrpcPeerFixture>
{
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Unary_IsOneClientSpan_NamedAfterTheMethod_AndIsTheServersParent()
    {
        var testId = Guid.NewGuid().ToString("N");
        using var client = fixture.FactoryClient();
        GrpcCallResult result;
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            result = await client.UnaryAsync("Unary", new EchoRequest { Text = "hello" }, testId: testId);
        }

        Assert.Equal(0, result.Status);
        Assert.Equal("hello", Assert.Single(result.Replies).Text);

        var trace = await fixture.TraceAsync(traceId, parentId);
        var span = Assert.Single(trace, s => s.Kind == ActivityKind.Client);
        Assert.Equal("tracingtest.Echo/Unary", span.Name);
        Assert.Equal("Tracing.Sdk.Grpc", span.ScopeName);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal("grpc", span.Attribute("rpc.system"));
        Assert.Equal("tracingtest.Echo", span.Attribute("rpc.service"));
        Assert.Equal("Unary", span.Attribute("rpc.method"));
        Assert.Equal("127.0.0.1", span.Attribute("server.address"));
        Assert.Equal((long)new Uri(fixture.Peer.Address).Port, span.Attribute("server.port"));
        Assert.Equal(0L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // The HttpClient span beneath it is suppressed: two spans in the trace, the parent and this one.
        Assert.Equal(2, trace.Count);

        // The server's parent is the gRPC span, sent once.
        var received = await fixture.Peer.WaitForCallAsync(testId);
        Assert.Equal($"00-{traceId}-{span.SpanId}-01", received.OnlyValue("traceparent"));
    }

    [Fact]
    public async Task ServerStreaming_SpanEndsWhenTheStreamEnds_NotWhenTheHeadersArrive()
    {
        using var client = fixture.FactoryClient();
        DateTime lastMessageAt;
        GrpcCallResult result;
        string traceId, parentId;
        DateTime before;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            before = DateTime.UtcNow;
            using var request = client.CreateRequest("ServerStream", GrpcTestClient.Frame(new EchoRequest { Text = "s", Count = 4, DelayMs = 100 }));
            using var response = await client.SendAsync(request);
            await using var body = await response.Content.ReadAsStreamAsync();
            for (var i = 0; i < 4; i++)
            {
                Assert.NotNull(await GrpcTestClient.ReadMessageAsync(body));
            }

            lastMessageAt = DateTime.UtcNow;
            Assert.Null(await GrpcTestClient.ReadMessageAsync(body));
            result = new GrpcCallResult([], int.Parse(response.TrailingHeaders.GetValues("grpc-status").Single()), null);
        }

        Assert.Equal(0, result.Status);
        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Name == "tracingtest.Echo/ServerStream");
        Assert.Equal(0L, span.Attribute("rpc.grpc.status_code"));
        Assert.True(ToDateTime(span.EndTimeUnixNano) >= lastMessageAt - Slack, "the span ended before the last message was read");
        Assert.True(ToDateTime(span.EndTimeUnixNano) - ToDateTime(span.StartTimeUnixNano) >= TimeSpan.FromMilliseconds(300));
        Assert.True(ToDateTime(span.StartTimeUnixNano) >= before - Slack);
    }

    [Fact]
    public async Task ClientStreaming_And_Bidi_EndOkAfterTheLastReply()
    {
        using var client = fixture.FactoryClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());

            var upload = new StreamingRequestContent();
            using (var request = client.CreateRequest("ClientStream", upload))
            {
                var sending = client.SendAsync(request);
                foreach (var text in new[] { "a", "b", "c" })
                {
                    await upload.WriteAsync(new EchoRequest { Text = text });
                }

                upload.Complete();
                using var response = await sending;
                var result = await GrpcTestClient.ReadToEndAsync(response);
                Assert.Equal(0, result.Status);
                Assert.Equal("a,b,c", Assert.Single(result.Replies).Text);
            }

            var chat = new StreamingRequestContent();
            using (var request = client.CreateRequest("Bidi", chat))
            {
                await chat.WriteAsync(new EchoRequest { Text = "ping-0" });
                using var response = await client.SendAsync(request);
                await using var body = await response.Content.ReadAsStreamAsync();
                Assert.Equal("ping-0", (await GrpcTestClient.ReadMessageAsync(body))!.Text);
                for (var i = 1; i < 3; i++)
                {
                    await chat.WriteAsync(new EchoRequest { Text = $"ping-{i}" });
                    Assert.Equal($"ping-{i}", (await GrpcTestClient.ReadMessageAsync(body))!.Text);
                }

                chat.Complete();
                Assert.Null(await GrpcTestClient.ReadMessageAsync(body));
                Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
            }
        }

        var trace = await fixture.TraceAsync(traceId, parentId);
        var upload1 = Assert.Single(trace, s => s.Name == "tracingtest.Echo/ClientStream");
        var bidi = Assert.Single(trace, s => s.Name == "tracingtest.Echo/Bidi");
        Assert.Equal(0L, upload1.Attribute("rpc.grpc.status_code"));
        Assert.Equal(0L, bidi.Attribute("rpc.grpc.status_code"));
        Assert.True(bidi.StartTimeUnixNano >= upload1.EndTimeUnixNano, "the first call's span ended only when its response was read");
    }

    [Fact]
    public async Task NotFound_FromATrailersOnlyResponse_IsAnErrorWithTheDecodedMessage()
    {
        const string message = "order 42 not found: café 100%";
        using var client = fixture.FactoryClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            using var request = client.CreateRequest("Fail", GrpcTestClient.Frame(new EchoRequest { Text = message }));
            using var response = await client.SendAsync(request);

            // Trailers-Only: the status came in the response headers.
            Assert.Equal("5", response.Headers.GetValues("grpc-status").Single());
            var result = await GrpcTestClient.ReadToEndAsync(response);
            Assert.Equal(5, result.Status);
            Assert.Equal(message, result.Message);
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal("tracingtest.Echo/Fail", span.Name);
        Assert.Equal(5L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(message, span.StatusMessage);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        using var client = fixture.FactoryClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            var result = await client.UnaryAsync("NoSuchMethod", new EchoRequest());
            Assert.Equal(12, result.Status);
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal("tracingtest.Echo/NoSuchMethod", span.Name);
        Assert.Equal(12L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task Deadline_PassedWhileTheServerSleeps_IsDeadlineExceeded()
    {
        var timeout = TimeSpan.FromMilliseconds(300);
        using var client = fixture.FactoryClient();
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());

            // As Grpc.Net.Client does: grpc-timeout on the wire and a local timer on the call.
            using var deadline = new CancellationTokenSource(timeout + TimeSpan.FromMilliseconds(20));
            try
            {
                var result = await client.UnaryAsync("Sleep", new EchoRequest { DelayMs = 10_000 }, timeout, cancellationToken: deadline.Token);

                // The server's own deadline can answer first.
                Assert.Equal(4, result.Status);
            }
            catch (OperationCanceledException)
            {
                // The local timer won the race.
            }
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal(4L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.True(ToDateTime(span.EndTimeUnixNano) - ToDateTime(span.StartTimeUnixNano) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancelledByTheCaller_IsCancelled()
    {
        using var client = fixture.FactoryClient();
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            using var cancel = new CancellationTokenSource();
            var calling = client.UnaryAsync("Sleep", new EchoRequest { DelayMs = 10_000 }, testId: testId, cancellationToken: cancel.Token);

            // Cancel once the server is in the call, not on a timer.
            await fixture.Peer.WaitForCallAsync(testId);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calling);
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal(1L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Empty(span.Events);
    }

    [Fact]
    public async Task ResponseDisposedMidStream_IsCancelled_AndEndsAtTheDispose()
    {
        using var client = fixture.FactoryClient();
        string traceId, parentId;
        DateTime disposedAt;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            using var request = client.CreateRequest("ServerStream", GrpcTestClient.Frame(new EchoRequest { Text = "long", Count = 1000, DelayMs = 20 }));
            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStreamAsync();
            Assert.NotNull(await GrpcTestClient.ReadMessageAsync(body));
            response.Dispose();
            disposedAt = DateTime.UtcNow;
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal(1L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.True(ToDateTime(span.EndTimeUnixNano) <= disposedAt + Slack, "the span outlived the response");
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable_WithTheExceptionRecorded()
    {
        // A port that was free a moment ago: nothing listens on it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        using var client = new GrpcTestClient(GrpcTracing.CreateHandler(), $"http://127.0.0.1:{port}");
        string traceId, parentId;
        using (var parent = fixture.Host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            await Assert.ThrowsAsync<HttpRequestException>(() => client.UnaryAsync("Unary", new EchoRequest()));
        }

        var span = Assert.Single(await fixture.TraceAsync(traceId, parentId), s => s.Kind == ActivityKind.Client);
        Assert.Equal("tracingtest.Echo/Unary", span.Name);
        Assert.Equal(14L, span.Attribute("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var exception = Assert.Single(span.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Equal(typeof(HttpRequestException).FullName, exception.Attributes["exception.type"]);
    }

    [Fact]
    public async Task AddGrpcTracing_Twice_AddsOneHandler()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var host = await TracedClientHost.StartAsync(receiver, services: services =>
            services.AddHttpClient("twice").AddGrpcTracing().AddGrpcTracing());
        using var client = new GrpcTestClient(
            host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("twice"), fixture.Peer.Address);
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            Assert.Equal(0, (await client.UnaryAsync("Unary", new EchoRequest { Text = "x" })).Status);
        }

        var spans = await receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId));
        Assert.Single(spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task HttpClientSpansNotSuppressed_HttpSpanIsTheChild_AndTheServersParent()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var host = await TracedClientHost.StartAsync(
            receiver,
            new Dictionary<string, string?> { ["Tracing:Grpc:SuppressHttpClientSpans"] = "false" },
            services => services.AddHttpClient("both").AddGrpcTracing());
        using var client = new GrpcTestClient(
            host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("both"), fixture.Peer.Address);
        var testId = Guid.NewGuid().ToString("N");
        string traceId, parentId;
        using (var parent = host.StartParent())
        {
            (traceId, parentId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString());
            Assert.Equal(0, (await client.UnaryAsync("Unary", new EchoRequest { Text = "x" }, testId: testId)).Status);
        }

        var spans = (await receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == parentId))).Where(s => s.TraceId == traceId).ToList();
        var grpc = Assert.Single(spans, s => s.ScopeName == "Tracing.Sdk.Grpc");
        var http = Assert.Single(spans, s => s.ScopeName == "System.Net.Http");
        Assert.Equal(parentId, grpc.ParentSpanId);
        Assert.Equal(grpc.SpanId, http.ParentSpanId);
        Assert.Equal("POST", http.Name);
        var received = await fixture.Peer.WaitForCallAsync(testId);
        Assert.Equal($"00-{traceId}-{http.SpanId}-01", received.OnlyValue("traceparent"));
    }

    internal static DateTime ToDateTime(ulong unixNano) => DateTime.UnixEpoch.AddTicks((long)(unixNano / 100));
}

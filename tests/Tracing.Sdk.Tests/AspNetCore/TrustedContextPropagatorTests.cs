using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// IncomingContext and TrustedNetworks on TestServer, where each request's remote address can be set.
/// These assert ids, links and baggage (not sampling), so they hold whatever other hosts sample.
/// </summary>
public sealed class TrustedContextPropagatorTests
{
    private const string CallerTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerSpanId = "b7ad6b7169203331";
    private const string Traceparent = $"00-{CallerTraceId}-{CallerSpanId}-01";

    [Theory]
    [InlineData("continue", "203.0.113.7")]
    [InlineData("restart", "10.1.2.3")]
    [InlineData("ignore", "10.1.2.3")]
    [InlineData("restart", "fd00::5")]
    [InlineData("restart", "::ffff:10.1.2.3")]
    public async Task TrustedOrContinue_CallerContextAndBaggageGoOn(string mode, string remote)
    {
        await using var host = await StartAsync(mode);

        var seen = await SendAsync(host, remote);

        var span = await host.SingleServerSpanAsync();
        Assert.Equal(CallerTraceId, span.TraceId.ToHexString());
        Assert.Equal(CallerSpanId, span.ParentSpanId.ToHexString());
        Assert.Equal("alice", seen.Baggage);
        Assert.Empty(span.Links);
    }

    [Fact]
    public async Task Restart_UntrustedCaller_GetsANewRootLinkedToItsContext_AndLosesItsBaggage()
    {
        await using var host = await StartAsync("restart");

        var seen = await SendAsync(host, "203.0.113.7");

        var span = await host.SingleServerSpanAsync();
        Assert.NotEqual(CallerTraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Null(seen.Baggage);
        var link = Assert.Single(span.Links);
        Assert.Equal(CallerTraceId, link.Context.TraceId.ToHexString());
        Assert.Equal(CallerSpanId, link.Context.SpanId.ToHexString());
        Assert.True(link.Context.IsRemote);
    }

    [Fact]
    public async Task Restart_UntrustedB3CallerThatDeferred_IsLinked_WithoutTheSdksInternalMark()
    {
        await using var host = await ServerSpanHost.StartAsync(
            app => app.Run(static context => context.Response.WriteAsync("ok")),
            o =>
            {
                o.Propagators = ["b3"];
                o.AspNetCore.IncomingContext = "restart";
            });

        await host.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            c.Request.Path = "/call";
            c.Request.Headers["b3"] = $"{CallerTraceId}-{CallerSpanId}"; // no sampling state: B3 "defer"
        });

        var span = await host.SingleServerSpanAsync();
        var link = Assert.Single(span.Links);
        Assert.Equal(CallerTraceId, link.Context.TraceId.ToHexString());
        Assert.Null(link.Context.TraceState); // links are exported as they are
        Assert.True(string.IsNullOrEmpty(span.TraceStateString));
    }

    [Fact]
    public async Task Ignore_UntrustedCaller_GetsANewRootWithoutLink()
    {
        await using var host = await StartAsync("ignore");

        var seen = await SendAsync(host, "203.0.113.7");

        var span = await host.SingleServerSpanAsync();
        Assert.NotEqual(CallerTraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Empty(span.Links);
        Assert.Null(seen.Baggage);
    }

    [Fact]
    public async Task ForwardedClient_IsJudged_NotTheProxyItCameThrough()
    {
        // The proxy (loopback, a known proxy by default) is in a trusted network; the client it
        // forwards for is not: the client is what counts, as for ForwardedHeadersMiddleware.
        await using var host = await StartAsync("restart", ["127.0.0.0/8", "10.0.0.0/8"], forwardFor: true);

        var outside = await SendAsync(host, "127.0.0.1", forwardedFor: "203.0.113.7");
        var inside = await SendAsync(host, "127.0.0.1", forwardedFor: "10.20.30.40");

        var spans = (await host.Collector.WaitForServerSpansAsync(2)).Where(host.Collector.IsServerSpan).ToList();
        Assert.Equal(2, spans.Count);
        Assert.Single(spans, s => s.TraceId.ToHexString() == CallerTraceId);
        Assert.Null(outside.Baggage);
        Assert.Equal("alice", inside.Baggage);
        Assert.Equal("10.20.30.40", inside.ClientAddress);
        Assert.Contains(spans, s => s.GetTagItem("client.address") as string == "203.0.113.7");
    }

    [Fact]
    public async Task ForwardedHeader_FromAnUntrustedProxy_IsNotBelieved()
    {
        // 203.0.113.7 claims to forward for a trusted 10.x client; it is no known proxy, so no.
        await using var host = await StartAsync("ignore", ["10.0.0.0/8"], forwardFor: true);

        var seen = await SendAsync(host, "203.0.113.7", forwardedFor: "10.20.30.40");

        var span = await host.SingleServerSpanAsync();
        Assert.NotEqual(CallerTraceId, span.TraceId.ToHexString());
        Assert.Null(seen.Baggage);
    }

    [Fact]
    public async Task AppsOwnUseOfThePropagator_IsLeftAlone()
    {
        // Extraction of something other than the request hosting is extracting is not judged.
        await using var host = await StartAsync("ignore", handler: context =>
        {
            var propagator = context.RequestServices.GetRequiredService<DistributedContextPropagator>();
            var carrier = new Dictionary<string, string> { ["traceparent"] = Traceparent };
            propagator.ExtractTraceIdAndState(carrier, static (object? c, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                ((Dictionary<string, string>)c!).TryGetValue(name, out value);
            }, out var traceId, out _);
            return context.Response.WriteAsync(traceId ?? "none");
        });

        var response = await host.Server.SendAsync(c => c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7"));

        Assert.Equal(Traceparent, await new StreamReader(response.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task HostingResolvesTheTrustAwarePropagator_WrappingTheOneRegisteredBefore()
    {
        // If anything registered a propagator after AddTracing's wrapper, hosting would bypass trust.
        await using var host = await StartAsync("restart");

        var propagator = host.App.Services.GetRequiredService<DistributedContextPropagator>();

        var trusted = Assert.IsType<Tracing.Sdk.AspNetCore.TrustedContextPropagator>(propagator);
        Assert.IsNotType<Tracing.Sdk.AspNetCore.TrustedContextPropagator>(trusted.Inner);
    }

    private static Task<ServerSpanHost> StartAsync(string mode, string[]? trusted = null, bool forwardFor = false, RequestDelegate? handler = null) =>
        ServerSpanHost.StartAsync(
            app =>
            {
                if (forwardFor)
                {
                    app.UseForwardedHeaders();
                }

                app.Run(handler ?? (static context => context.Response.WriteAsync(
                    $"{Activity.Current?.GetBaggageItem("user")}|{context.Connection.RemoteIpAddress}")));
            },
            o =>
            {
                o.AspNetCore.IncomingContext = mode;
                o.AspNetCore.TrustedNetworks = trusted ?? ["10.0.0.0/8", "fd00::/8"];
            },
            configure: forwardFor
                ? builder => builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor)
                : null);

    private static async Task<(string? Baggage, string ClientAddress)> SendAsync(ServerSpanHost host, string remote, string? forwardedFor = null)
    {
        var context = await host.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            c.Request.Path = "/call";
            c.Request.Headers["traceparent"] = Traceparent;
            c.Request.Headers["baggage"] = "user=alice";
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });

        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var parts = body.Split('|');
        return (parts[0].Length == 0 ? null : parts[0], parts[1]);
    }
}

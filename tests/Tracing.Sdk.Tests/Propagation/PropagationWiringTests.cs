using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Propagation;

/// <summary>
/// The configured set as ASP.NET Core hosting and IHttpClientFactory clients use it, through DI only
/// (no process-wide state), with real Kestrel servers and HttpClient on loopback.
/// </summary>
// On .NET 8, IHttpClientFactory's primary handler (Microsoft.Extensions.Http 8: HttpClientHandler) injects with the
// process-wide propagator, which is whichever host set it last: run alone, or another test's host decides the format.
[Collection(GlobalPropagationState.Name)]
public sealed class PropagationWiringTests
{
    [Fact]
    public async Task HttpClientFactoryClient_WithB3_SendsB3AndNoTraceparent()
    {
        var headers = await OutgoingHeadersAsync(["b3"]);

        var b3 = Assert.Single(headers["b3"]);
        Assert.Matches("^[0-9a-f]{32}-[0-9a-f]{16}-1$", b3);
        Assert.False(headers.ContainsKey("traceparent"));
        Assert.False(headers.ContainsKey("x-b3-traceid"));
    }

    [Fact]
    public async Task HttpClientFactoryClient_WithTraceContextAndBaggage_SendsExactlyOneTraceparent()
    {
        var headers = await OutgoingHeadersAsync(["tracecontext", "baggage"]);

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", Assert.Single(headers["traceparent"]));
        Assert.Equal("user=alice", Assert.Single(headers["baggage"]));
        Assert.False(headers.ContainsKey("b3"));
    }

    [Theory]
    [InlineData("b3multi", "x-b3-traceid")]
    [InlineData("jaeger", "uber-trace-id")]
    public async Task HttpClientFactoryClient_SendsTheConfiguredFormatOnly(string format, string header)
    {
        var headers = await OutgoingHeadersAsync([format]);

        Assert.Single(headers[header]);
        Assert.False(headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task HttpClientFactoryClient_WithNone_SendsNoContext()
    {
        var headers = await OutgoingHeadersAsync(["none"]);

        Assert.False(headers.ContainsKey("traceparent"));
        Assert.False(headers.ContainsKey("b3"));
        Assert.False(headers.ContainsKey("baggage"));
    }

    [Theory]
    [InlineData("b3", "b3")]
    [InlineData("b3multi", "x-b3-*")]
    [InlineData("jaeger", "uber-trace-id")]
    [InlineData("tracecontext", "traceparent")]
    public async Task AspNetCoreHosting_ContinuesTheTrace_FromTheConfiguredFormat(string format, string header)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        await using var app = await StartAppAsync([format]);

        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/whoami");
        switch (header)
        {
            case "b3": request.Headers.Add("b3", $"{traceId}-{spanId}-1"); break;
            case "x-b3-*":
                request.Headers.Add("X-B3-TraceId", traceId);
                request.Headers.Add("X-B3-SpanId", spanId);
                request.Headers.Add("X-B3-Sampled", "1");
                break;
            case "uber-trace-id": request.Headers.Add("uber-trace-id", $"{traceId}:{spanId}:0:1"); break;
            default: request.Headers.Add("traceparent", $"00-{traceId}-{spanId}-01"); break;
        }

        request.Headers.Add("baggage", "tenant=t1");
        var seen = await SendAsync(request);

        Assert.Equal(traceId, seen.TraceId);
        Assert.Equal(spanId, seen.ParentSpanId);
        Assert.True(seen.Recorded);
    }

    [Fact]
    public async Task AspNetCoreHosting_IgnoresAFormatThatIsNotConfigured()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await using var app = await StartAppAsync(["b3"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/whoami");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var seen = await SendAsync(request);

        Assert.NotEqual(traceId, seen.TraceId);
        Assert.Equal("0000000000000000", seen.ParentSpanId);
    }

    [Theory]
    [InlineData("traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-0g")]
    [InlineData("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    public async Task AspNetCoreHosting_StartsANewTrace_ForAMalformedHeader(string name, string value)
    {
        await using var app = await StartAppAsync(["tracecontext", "baggage"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/whoami");
        request.Headers.TryAddWithoutValidation(name, value);
        var seen = await SendAsync(request);

        Assert.Equal("0000000000000000", seen.ParentSpanId);
        Assert.Equal(200, seen.Status);
    }

    [Fact]
    public async Task AspNetCoreHosting_PutsIncomingBaggageOnTheServerSpan()
    {
        await using var app = await StartAppAsync(["tracecontext", "baggage", "jaeger"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/whoami");
        request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("baggage", "tenant=t1,city=S%C3%A3o%20Paulo");
        request.Headers.Add("uberctx-order", "42");
        var seen = await SendAsync(request);

        Assert.Equal("t1", seen.Baggage["tenant"]);
        Assert.Equal("São Paulo", seen.Baggage["city"]);
        Assert.Equal("42", seen.Baggage["order"]);
    }

    [Fact]
    public async Task DistributedContextPropagator_IsOneReplaceableRegistration_ResolvedToTheConfiguredSet()
    {
        await using var app = await StartAppAsync(["jaeger"]);

        // The registration is the configured set, wrapped by the ASP.NET Core trust rules.
        var propagator = app.Services.GetRequiredService<DistributedContextPropagator>();
        var trusted = Assert.IsType<Tracing.Sdk.AspNetCore.TrustedContextPropagator>(propagator);
        Assert.Same(app.Services.GetRequiredService<TracingPropagators>().DistributedPropagator, trusted.Inner);
        Assert.Equal(["uber-trace-id", "jaeger-debug-id"], propagator.Fields);

        var services = new ServiceCollection();
        services.AddSingleton(DistributedContextPropagator.CreateDefaultPropagator());
        services.AddTracing();
        Assert.Single(services, d => d.ServiceType == typeof(DistributedContextPropagator));
    }

    [Fact]
    public async Task HttpClientFactory_PrimaryHandler_UsesTheConfiguredPropagator()
    {
        await using var app = await StartAppAsync(["b3multi"]);

        var handler = app.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("named");
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

#if NET9_0_OR_GREATER
        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.Same(app.Services.GetRequiredService<DistributedContextPropagator>(), sockets.ActivityHeadersPropagator);
#else
        // Microsoft.Extensions.Http 8.0 (the net8.0 default) makes an HttpClientHandler, which has no
        // propagator of its own: it injects with DistributedContextPropagator.Current, which AddTracing makes
        // the configured set while the provider runs (the HttpClientFactoryClient_* tests above see the headers).
        Assert.IsType<HttpClientHandler>(handler);
        Assert.Equal(
            app.Services.GetRequiredService<DistributedContextPropagator>().Fields.Order(),
            DistributedContextPropagator.Current.Fields.Order());
#endif
    }

    [Fact]
    public async Task InvalidHeaders_AreCountedInTheHostsMeter()
    {
        await using var app = await StartAppAsync(["b3"]);
        using var collector = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            app.Services.GetRequiredService<Tracing.Sdk.Diagnostics.TracingMetrics>().Meter, "tracing.sdk.propagation.invalid");

        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/whoami");
        request.Headers.TryAddWithoutValidation("b3", "not-a-b3-value");
        await SendAsync(request);

        var measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal("b3", measurement.Tags["format"]);
    }

    /// <summary>A traced app calls the echo server through an IHttpClientFactory client, with baggage set.</summary>
    private static async Task<Dictionary<string, string[]>> OutgoingHeadersAsync(string[] propagators)
    {
        await using var echo = await EchoServer.StartAsync();
        await using var app = await StartAppAsync(propagators);

        var json = await PlainClient.GetStringAsync($"{app.BaseAddress()}/out?target={Uri.EscapeDataString(echo.Url)}");
        return EchoServer.Parse(json);
    }

    internal static async Task<WebApplication> StartAppAsync(string[] propagators, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "propagation-wiring",
            ["Tracing:Exporters:0"] = "none",
        };
        for (var i = 0; i < propagators.Length; i++)
        {
            settings[$"Tracing:Propagators:{i}"] = propagators[i];
        }

        return await TracingHost.StartWebAsync(settings, app => { MapEndpoints(app); map?.Invoke(app); }, builder =>
        {
            builder.Services.AddHttpClient();
            configure?.Invoke(builder);
        });
    }

    internal static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/out", async (IHttpClientFactory factory, string target) =>
        {
            Activity.Current?.AddBaggage("user", "alice");
            return Results.Text(await factory.CreateClient().GetStringAsync(new Uri(target)), "application/json");
        });
        app.MapGet("/whoami", () => Results.Json(Seen.Of(Activity.Current)));
    }

    /// <summary>A client that adds no trace headers of its own, whatever the process-wide propagator is.</summary>
    internal static HttpClient PlainClient { get; } = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });

    internal static async Task<Seen> SendAsync(HttpRequestMessage request)
    {
        using var response = await PlainClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Seen>())! with { Status = (int)response.StatusCode };
    }

    internal sealed record Seen(string TraceId, string ParentSpanId, string SpanId, bool Recorded, Dictionary<string, string?> Baggage)
    {
        public int Status { get; init; }

        public static Seen Of(Activity? activity) => new(
            activity?.TraceId.ToHexString() ?? string.Empty,
            activity?.ParentSpanId.ToHexString() ?? string.Empty,
            activity?.SpanId.ToHexString() ?? string.Empty,
            activity?.Recorded ?? false,
            activity?.Baggage.ToDictionary(p => p.Key, p => p.Value) ?? []);
    }
}

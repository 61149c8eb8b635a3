using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Tests.Support;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>
/// The incoming-context trust policy holds whatever else the app adds: OpenTelemetry's own ASP.NET Core
/// instrumentation (which extracts again through OpenTelemetry's default propagator), and a
/// <see cref="DistributedContextPropagator"/> registered before or after <c>AddTracing()</c>.
/// Real Kestrel; the loopback client is outside every trusted network.
/// </summary>
[Collection(SamplingIsolation.Name)]
public sealed class TrustPolicyCompositionTests
{
    private const string CallerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpanId = "b7ad6b7169203331";

    [Fact]
    public async Task Restart_WithUpstreamInstrumentation_RefusedContextStaysOut_AndTheRequestIsOneSpan()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = TracingHost.OtlpSettings(receiver, "trust-upstream");
        settings["Tracing:AspNetCore:IncomingContext"] = "restart";
        (string TraceId, int Baggage, string Current) seen = default;
        await using var app = await TracingHost.StartWebAsync(
            settings,
            map: app => app.MapGet("/orders", () =>
            {
                seen = (Activity.Current!.TraceId.ToHexString(), Baggage.Current.Count, Activity.Current.Source.Name);
                return "ok";
            }),
            configure: builder => builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation()));

        await SendAsCallerAsync(app, "/orders");
        await app.StopAsync();

        var server = Assert.Single(receiver.Spans, s => s.Kind == ActivityKind.Server);
        Assert.NotEqual(CallerTraceId, server.TraceId);
        Assert.Equal(string.Empty, server.ParentSpanId);
        var link = Assert.Single(server.Links);
        Assert.Equal((CallerTraceId, CallerSpanId), (link.TraceId, link.SpanId));
        Assert.Equal((server.TraceId, 0, "Microsoft.AspNetCore"), seen);
    }

    [Fact]
    public async Task Continue_WithUpstreamInstrumentation_TheCallersContextIsContinuedOnce()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = TracingHost.OtlpSettings(receiver, "continue-upstream");
        settings["Tracing:Propagators:0"] = "b3";
        string? baggage = null;
        await using var app = await TracingHost.StartWebAsync(
            settings,
            map: app => app.MapGet("/orders", () =>
            {
                baggage = Baggage.Current.GetBaggage("tenant");
                return "ok";
            }),
            configure: builder => builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation()));

        using (var client = new HttpClient())
        using (SuppressInstrumentationScope.Begin())
        using (var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + "/orders"))
        {
            request.Headers.TryAddWithoutValidation("b3", $"{CallerTraceId}-{CallerSpanId}-1");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        await app.StopAsync();

        // OpenTelemetry's instrumentation extracted again through the default propagator and got the
        // same B3 context hosting did: no second server span beside it.
        var server = Assert.Single(receiver.Spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal((CallerTraceId, CallerSpanId), (server.TraceId, server.ParentSpanId));
        Assert.Null(baggage);
    }

    [Fact]
    public async Task PropagatorRegisteredAfterAddTracing_UnderRestart_StopsTheStart_AndLeavesNothingRunning()
    {
        var source = $"Trust.After.{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["Tracing:ServiceName"] = "trust-after",
            ["Tracing:Exporters:0"] = "none",
            ["Tracing:Sources:0"] = source,
            ["Tracing:AspNetCore:IncomingContext"] = "restart",
        };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTracing();
        builder.Services.AddSingleton(DistributedContextPropagator.CreatePassThroughPropagator());
        builder.Services.UseOtelEnvironment();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("Tracing:AspNetCore:IncomingContext=Restart cannot be enforced", error.Message, StringComparison.Ordinal);
        Assert.Contains("registered after AddTracing()", error.Message, StringComparison.Ordinal);
        Assert.Null(app.Services.GetRequiredService<TracingProviderState>().Provider);
        Assert.False(new ActivitySource(source).HasListeners());
        Assert.NotSame(app.Services.GetRequiredService<TracingPropagators>(), TracingPropagators.Current);
        Assert.Throws<ObjectDisposedException>(() => app.Services.GetRequiredService<ConfiguredSampler>().Sampler);
    }

    [Fact]
    public async Task PropagatorRegisteredAfterAddTracing_UnderContinue_StartsAndSaysSo()
    {
        var logs = new ScopeCapturingLoggerProvider();
        await using var app = await TracingHost.StartWebAsync(
            new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "none" },
            configure: builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Services.AddSingleton(DistributedContextPropagator.CreatePassThroughPropagator());
            });

        Assert.Contains(logs.Entries, e => e.Message.Contains("registered after AddTracing()", StringComparison.Ordinal)
            && e.Message.Contains("PassThroughPropagator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PropagatorRegisteredBeforeAddTracing_IsReplacedWithAWarning_AndTheTrustPolicyHolds()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var logs = new ScopeCapturingLoggerProvider();
        var settings = TracingHost.OtlpSettings(receiver, "trust-before");
        settings["Tracing:AspNetCore:IncomingContext"] = "ignore";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<DistributedContextPropagator>(new AppPropagator());
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        await using var app = builder.Build();
        app.MapGet("/orders", () => "ok");
        await app.StartAsync();

        await SendAsCallerAsync(app, "/orders");
        await app.StopAsync();

        Assert.Contains(logs.Entries, e => e.Message.Contains("registered before AddTracing()", StringComparison.Ordinal)
            && e.Message.Contains(nameof(AppPropagator), StringComparison.Ordinal));
        var server = Assert.Single(receiver.Spans, s => s.Kind == ActivityKind.Server);
        Assert.NotEqual(CallerTraceId, server.TraceId);
        Assert.Empty(server.Links);
    }

    private static async Task SendAsCallerAsync(WebApplication app, string path)
    {
        using var client = new HttpClient();
        using var suppressed = SuppressInstrumentationScope.Begin();
        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress() + path);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{CallerTraceId}-{CallerSpanId}-01");
        request.Headers.TryAddWithoutValidation("baggage", "tenant=evil");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>An app's own propagator: W3C, as the runtime's, but a type of its own.</summary>
    private sealed class AppPropagator : DistributedContextPropagator
    {
        private readonly DistributedContextPropagator _inner = CreateDefaultPropagator();

        public override IReadOnlyCollection<string> Fields => _inner.Fields;

        public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => _inner.Inject(activity, carrier, setter);

        public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
            _inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

        public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => _inner.ExtractBaggage(carrier, getter);
    }
}

using Microsoft.AspNetCore.Builder;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Logging;

/// <summary>Every log written inside a span carries TraceId, SpanId and ParentId in its scope, with no extra call.</summary>
public sealed class LogCorrelationTests
{
    [Fact]
    public async Task LogInsideASpan_CarriesTheSpanIdsInItsScope()
    {
        var sourceName = $"Logs.{Guid.NewGuid():N}";
        var capture = new ScopeCapturingLoggerProvider();

        // A bare service collection: nothing but AddTracing turns activity tracking on.
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging(logging => logging.AddProvider(capture));
        services.AddTracing(o =>
        {
            o.Sources = [sourceName];
            o.Exporters = ["none"];
        });
        services.UseOtelEnvironment();
        await using var provider = services.BuildServiceProvider();
        // Resolving the provider starts tracing, as the host's lifecycle service does at start.
        var tracerProvider = provider.GetRequiredService<TracerProvider>();

        var logger = provider.GetRequiredService<ILogger<LogCorrelationTests>>();
        using var source = new ActivitySource(sourceName);
        using (var parent = source.StartActivity("parent")!)
        using (var child = source.StartActivity("child")!)
        {
            logger.LogInformation("inside");
        }

        logger.LogInformation("outside");
        provider.GetRequiredService<TracingProviderState>().Stop(TimeSpan.FromSeconds(5));

        var inside = capture.Entries.Single(e => e.Message == "inside").Scope;
        var outside = capture.Entries.Single(e => e.Message == "outside").Scope;
        Assert.Equal(32, ((string)inside["TraceId"]!).Length);
        Assert.Equal(16, ((string)inside["SpanId"]!).Length);
        Assert.Equal(16, ((string)inside["ParentId"]!).Length);
        Assert.NotEqual(inside["SpanId"], inside["ParentId"]);
        Assert.False(outside.ContainsKey("TraceId"));
    }

    [Fact]
    public async Task LogInsideARequest_CarriesTheServerSpanTraceId()
    {
        var capture = new ScopeCapturingLoggerProvider();
        await using var app = await TracingHost.StartWebAsync(
            new Dictionary<string, string?> { ["Tracing:Exporters:0"] = "none" },
            app => app.MapGet("/log", (ILogger<LogCorrelationTests> log) =>
            {
                log.LogInformation("handling");
                return Activity.Current?.TraceId.ToHexString();
            }),
            builder => builder.Logging.AddProvider(capture));

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
        var traceId = await client.GetStringAsync("/log");

        var entry = capture.Entries.Single(e => e.Message == "handling");
        Assert.Equal(traceId, entry.Scope["TraceId"]);
    }
}

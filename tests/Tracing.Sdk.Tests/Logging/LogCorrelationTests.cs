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
        string traceId, parentId, childId;
        using (var parent = source.StartActivity("parent")!)
        using (var child = source.StartActivity("child")!)
        {
            (traceId, parentId, childId) = (child.TraceId.ToHexString(), parent.SpanId.ToHexString(), child.SpanId.ToHexString());
            logger.LogInformation("inside");
        }

        logger.LogInformation("outside");
        provider.GetRequiredService<TracingProviderState>().Stop(TimeSpan.FromSeconds(5));

        var inside = capture.Entries.Single(e => e.Message == "inside").Scope;
        var outside = capture.Entries.Single(e => e.Message == "outside").Scope;
        Assert.Equal(traceId, inside["TraceId"]);
        Assert.Equal(childId, inside["SpanId"]);
        Assert.Equal(parentId, inside["ParentId"]);
        Assert.False(outside.ContainsKey("TraceId"));
        Assert.False(outside.ContainsKey("SpanId"));
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
                return $"{Activity.Current?.TraceId.ToHexString()} {Activity.Current?.SpanId.ToHexString()}";
            }),
            builder => builder.Logging.AddProvider(capture));

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress()) };
        var ids = (await client.GetStringAsync("/log")).Split(' ');

        // The server span's own ids: the request's span, not a parent or a second span.
        var entry = capture.Entries.Single(e => e.Message == "handling");
        Assert.Equal(32, ids[0].Length);
        Assert.Equal(ids[0], entry.Scope["TraceId"]);
        Assert.Equal(ids[1], entry.Scope["SpanId"]);
    }
}

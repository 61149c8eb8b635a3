using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>An ASP.NET Core app on TestServer with AddTracing, its spans collected in memory (no exporter).</summary>
public sealed class ServerSpanHost : IAsyncDisposable
{
    private ServerSpanHost(WebApplication app, SpanCollector collector)
    {
        App = app;
        Collector = collector;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public SpanCollector Collector { get; }

    public HttpClient Client { get; }

    public TestServer Server => App.GetTestServer();

    public static async Task<ServerSpanHost> StartAsync(
        Action<WebApplication> map,
        Action<TracingOptions>? options = null,
        Action<WebApplicationBuilder>? configure = null,
        string environmentName = "Production")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environmentName });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var collector = new SpanCollector();
        builder.Services.AddTracing(o =>
        {
            o.ServiceName = "aspnetcore-tests";
            o.Exporters = ["none"];
            o.ConfigureProvider = provider => provider.AddProcessor(collector);
            options?.Invoke(o);
        });
        builder.Services.UseOtelEnvironment();
        configure?.Invoke(builder);

        var app = builder.Build();
        map(app);
        await app.StartAsync();
        collector.HostingSource = app.Services.GetServices<ActivitySource>().First(s => s.Name == "Microsoft.AspNetCore");
        return new ServerSpanHost(app, collector);
    }

    /// <summary>The single server span of this host once it has ended (fails if another one arrives).</summary>
    public async Task<Activity> SingleServerSpanAsync()
    {
        var spans = await Collector.WaitForServerSpansAsync(1);
        return Assert.Single(spans, Collector.IsServerSpan);
    }

    /// <summary>
    /// Stops the host (every request over, every span ended) and then fails if any request was made two
    /// server spans: a duplicate that ended after the test took the first one is caught here.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        AssertNoDuplicateServerSpans(Collector.Spans);
    }

    /// <summary>
    /// One request, one server span: no two server spans continue the same context (same trace, same
    /// parent), and no server span is the child of another server span of this host.
    /// </summary>
    internal static void AssertNoDuplicateServerSpans(IReadOnlyList<Activity> spans)
    {
        var servers = spans.Where(static s => s.Kind == ActivityKind.Server).ToList();
        var twins = servers
            .GroupBy(static s => (s.TraceId, s.ParentSpanId))
            .Where(static g => g.Count() > 1 && g.Key.ParentSpanId != default)
            .Select(static g => $"{g.Count()} server spans under {g.Key.TraceId}/{g.Key.ParentSpanId}: {string.Join(", ", g.Select(static s => s.DisplayName))}")
            .ToList();
        Assert.True(twins.Count == 0, string.Join("; ", twins));

        var ids = servers.Select(static s => (s.TraceId, s.SpanId)).ToHashSet();
        var nested = servers.Where(s => ids.Contains((s.TraceId, s.ParentSpanId))).Select(static s => s.DisplayName).ToList();
        Assert.True(nested.Count == 0, $"server spans nested in server spans: {string.Join(", ", nested)}");
    }
}

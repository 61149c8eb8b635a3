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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

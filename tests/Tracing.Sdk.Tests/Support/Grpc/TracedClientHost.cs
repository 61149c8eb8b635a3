using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>
/// A worker host with AddTracing that exports to an <see cref="OtlpReceiver"/> (50 ms batches), with
/// its own service name and its own recorded <see cref="ActivitySource"/> for the test's parent spans.
/// Client spans made under such a parent belong to this host only (HostSpanFilter).
/// </summary>
public sealed class TracedClientHost : IAsyncDisposable
{
    private TracedClientHost(IHost host, ActivitySource source, string serviceName)
    {
        Host = host;
        Source = source;
        ServiceName = serviceName;
    }

    public IHost Host { get; }

    public ActivitySource Source { get; }

    public string ServiceName { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<TracedClientHost> StartAsync(
        OtlpReceiver receiver,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var sourceName = $"Tests.Client.{id}";
        var serviceName = $"client-{id}";
        var configuration = TracingHost.OtlpSettings(receiver, serviceName);
        configuration["Tracing:Sources:0"] = sourceName;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TracedClientHost(host, new ActivitySource(sourceName), serviceName);
    }

    /// <summary>Starts the test's parent span (recorded: the source is in this host's Sources).</summary>
    public Activity StartParent(string name = "test") =>
        Source.StartActivity(name, ActivityKind.Internal) ?? throw new InvalidOperationException("the host does not record its test source");

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Source.Dispose();
    }
}

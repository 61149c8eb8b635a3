using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Tests.Support;

/// <summary>A generic-host worker with <c>builder.Services.AddTracing()</c>, as an application writes it, for end-to-end tests.</summary>
public static class TracingWorker
{
    /// <summary>Builds (does not start) a worker configured by <paramref name="settings"/>; OTEL_* variables come from none.</summary>
    public static IHost Build(IDictionary<string, string?> settings, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTracing();
        builder.Services.UseOtelEnvironment();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The ledger of <paramref name="exporter"/> in <paramref name="services"/>' host.</summary>
    internal static ExportAccounting Ledger(this IServiceProvider services, string exporter) =>
        services.GetRequiredService<TracingMetrics>().ForExporter(exporter);

    /// <summary>Waits (bounded) until no export is under way, so that every span is settled.</summary>
    internal static async Task<ExportTotals> SettledAsync(this ExportAccounting ledger, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while ((ledger.InFlight != 0 || ledger.Queued != 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return ledger.Totals;
    }
}

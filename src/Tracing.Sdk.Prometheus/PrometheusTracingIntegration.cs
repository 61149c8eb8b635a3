using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Prometheus;

/// <summary>
/// How <c>AddTracing()</c>, from the core package, finds this one: it looks this type up by name and, when
/// the app references the package, makes the <c>prometheus</c> span metrics exporter available. With
/// <c>Tracing:Metrics:Exporters</c> naming it, OpenTelemetry's Prometheus exporter is added to the app's
/// <see cref="MeterProvider"/> and its scrape endpoint to the pipeline (<see cref="PrometheusStartupFilter"/>).
/// </summary>
internal sealed class PrometheusTracingIntegration : ITracingIntegration
{
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(new SpanMetricsExporterPackage(SpanMetricsExporterPackage.Prometheus));
        services.ConfigureOpenTelemetryMeterProvider(static (sp, builder) =>
        {
            if (PrometheusStartupFilter.ScrapePath(sp) is not null)
            {
                builder.AddPrometheusExporter();
            }
        });
        services.AddTransient<IStartupFilter, PrometheusStartupFilter>();
    }
}

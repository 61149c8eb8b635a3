using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Prometheus;

/// <summary>
/// Serves the Prometheus scrape endpoint (<c>Tracing:Metrics:PrometheusPath</c>, default <c>/metrics</c>)
/// with OpenTelemetry's middleware when span metrics export to <c>prometheus</c>, so that no
/// <c>app.Use...</c> is needed. It sits inside the tracing middleware, whose default
/// <c>AspNetCore:ExcludePaths</c> leave <c>/metrics</c> without a span, so scrapes are not counted either.
/// </summary>
internal sealed class PrometheusStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (ScrapePath(app.ApplicationServices) is { } path)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(path);
        }

        next(app);
    };

    /// <summary>The scrape path when span metrics are on and export to Prometheus, else <see langword="null"/>.</summary>
    public static string? ScrapePath(IServiceProvider services) =>
        SpanMetricsSettings.From(services.GetRequiredService<IOptions<TracingOptions>>().Value) is { } settings
        && settings.Exporters.Contains(SpanMetricsExporterPackage.Prometheus)
            ? settings.PrometheusPath
            : null;
}

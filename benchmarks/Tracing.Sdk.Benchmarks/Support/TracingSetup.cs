using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>
/// Configures a host for one <see cref="TracingVariant"/> so that every variant pays the same for what
/// is not under test: the same sampler (parent-based, always on: <c>const 1</c>, which is also
/// OpenTelemetry's default), the same export processor added the OpenTelemetry way, and no exporter of
/// AddTracing's own (<c>Tracing:Exporters=none</c>). Logging is cleared in every variant, so hosting
/// makes no Activity for logging's sake.
/// </summary>
internal static class TracingSetup
{
    /// <summary>The benchmark's own source: the span that outgoing calls run under; recorded by every traced variant.</summary>
    public const string ParentSourceName = "Tracing.Sdk.Benchmarks.Parent";

    public static void Apply(
        IHostApplicationBuilder builder,
        TracingVariant variant,
        Action<TracerProviderBuilder> instrumentation,
        Func<BaseProcessor<Activity>> exportProcessor)
    {
        builder.Logging.ClearProviders();
        if (variant is TracingVariant.AddTracing or TracingVariant.AddTracingAndOpenTelemetry)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracing:ServiceName"] = "bench",
                ["Tracing:Sampler:Type"] = "const",
                ["Tracing:Sampler:Param"] = "1",
                ["Tracing:Exporters:0"] = "none",
                ["Tracing:Sources:0"] = ParentSourceName,
            });
            builder.Services.AddTracing();
        }

        if (variant is TracingVariant.OpenTelemetry or TracingVariant.AddTracingAndOpenTelemetry)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing =>
            {
                instrumentation(tracing);
                if (variant == TracingVariant.OpenTelemetry)
                {
                    tracing.SetSampler(new ParentBasedSampler(new AlwaysOnSampler())).AddSource(ParentSourceName);
                }
            });
        }

        if (variant != TracingVariant.None)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(exportProcessor()));
        }
    }

    /// <summary>The export processor of the benchmarks: OpenTelemetry's batch processor (default settings) and an exporter that drops each batch.</summary>
    public static BaseProcessor<Activity> DiscardingBatch() => new BatchActivityExportProcessor(new DiscardingExporter());
}

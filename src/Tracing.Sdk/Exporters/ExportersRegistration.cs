using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// What <c>AddTracing</c> registers for export: the configured exporters, each behind its processor,
/// appended to the app's provider after it is built — after every processor the app and its libraries
/// configured, so they see finished spans — and shut down with it. The OTLP exporter stands aside when
/// the app already exports traces by OTLP on the same provider (<see cref="AppOtlpExporterDetector"/>).
/// </summary>
internal static class ExportersRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton(sp => new AppOtlpExporterDetector(sp, services));
        services.AddSingleton<IConfigureOptions<OtlpExporterOptions>>(static sp => sp.GetRequiredService<AppOtlpExporterDetector>());
        services.AddSingleton<ITracingProviderAttachment, ExportAttachment>();
    }

    private sealed class ExportAttachment(IServiceProvider services) : ITracingProviderAttachment
    {
        public void Attach(TracerProvider provider, TracingStart start)
        {
            var options = services.GetRequiredService<IOptions<TracingOptions>>().Value;
            var appExporter = services.GetRequiredService<AppOtlpExporterDetector>().AppExporter;
            var names = (options.Exporters ?? []).Select(static n => n.Trim().ToLowerInvariant()).Distinct().ToList();
            if (appExporter is not null && names.Contains(ExporterNames.Otlp))
            {
                var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Tracing.Sdk.Exporters") ?? NullLogger.Instance;
                ExportersLog.OtlpStoodAside(logger, appExporter);
                names.Remove(ExporterNames.Otlp);
            }

            var processors = ExportProcessorFactory.Create(
                options,
                services.GetRequiredService<TracingMetrics>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                names.Contains);
            if (processors.Count > 0)
            {
                // Into the SDK's first processor, the host filter (see HttpClientTracingRegistration).
                foreach (var processor in processors)
                {
                    provider.AddProcessor(processor);
                }
            }

            start.Describe("exporters", names.Count > 0 ? string.Join(",", names) : ExporterNames.None);
        }
    }
}

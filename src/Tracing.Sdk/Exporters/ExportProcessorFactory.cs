using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Exporters.JaegerUdp;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>One processor per configured exporter: network exporters behind a batch processor, the console waterfall as is.</summary>
internal static class ExportProcessorFactory
{
    /// <param name="options">The validated options.</param>
    /// <param name="metrics">The SDK's counters.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="include">Which configured exporters to build (the OTLP one stands aside for an app's own).</param>
    public static List<BaseProcessor<Activity>> Create(TracingOptions options, TracingMetrics metrics, TimeProvider timeProvider, Func<string, bool> include)
    {
        var processors = new List<BaseProcessor<Activity>>();
        try
        {
            AddProcessors(processors, options, metrics, timeProvider, include);
        }
        catch
        {
            // A start that fails half-way leaves no exporter thread or socket behind.
            processors.ForEach(static p => p.Dispose());
            throw;
        }

        return processors;
    }

    private static void AddProcessors(
        List<BaseProcessor<Activity>> processors, TracingOptions options, TracingMetrics metrics, TimeProvider timeProvider, Func<string, bool> include)
    {
        foreach (var name in (options.Exporters ?? []).Select(static n => n.Trim().ToLowerInvariant()).Distinct())
        {
            if (!include(name))
            {
                continue;
            }

            switch (name)
            {
                case ExporterNames.Otlp:
                    processors.Add(BatchProcessorFactory.Create(OtlpExporterFactory.Create(options.Otlp, metrics, options.Batch.ExportTimeoutMilliseconds), name, options.Batch, metrics));
                    break;
                case ExporterNames.JaegerUdp:
                    var jaeger = new JaegerUdpExporter(options.JaegerUdp, options.ServiceName!, metrics, timeProvider);
                    processors.Add(BatchProcessorFactory.Create(jaeger, name, options.Batch, metrics));
                    break;
                case ExporterNames.Console:
                    var collector = WaterfallCollector.AcquireShared(options.Console);
                    metrics.ObserveQueueDrops(ExporterNames.Console, () => collector.SpansDropped);
                    processors.Add(new ConsoleWaterfallProcessor(collector, options.ServiceName!, WaterfallCollector.ReleaseShared));
                    break;
                case ExporterNames.None:
                    break;
                default:
                    throw new ArgumentException($"Unknown exporter '{name}'.", nameof(options));
            }
        }
    }
}

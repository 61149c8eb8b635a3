using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Exporters.JaegerUdp;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Exporters;

/// <summary>One processor per configured exporter: network exporters behind a batch processor, the console waterfall as is.</summary>
internal static class ExportProcessorFactory
{
    public static List<BaseProcessor<Activity>> Create(TracingPipelineContext context)
    {
        var options = context.Options;
        var processors = new List<BaseProcessor<Activity>>();
        foreach (var name in (options.Exporters ?? []).Select(static n => n.Trim().ToLowerInvariant()).Distinct())
        {
            switch (name)
            {
                case ExporterNames.Otlp:
                    processors.Add(BatchProcessorFactory.Create(OtlpExporterFactory.Create(options.Otlp, context.Metrics, options.Batch.ExportTimeoutMilliseconds), name, options.Batch, context.Metrics));
                    break;
                case ExporterNames.JaegerUdp:
                    var jaeger = new JaegerUdpExporter(options.JaegerUdp, context.ServiceName, context.Metrics, context.TimeProvider);
                    processors.Add(BatchProcessorFactory.Create(jaeger, name, options.Batch, context.Metrics));
                    break;
                case ExporterNames.Console:
                    var collector = WaterfallCollector.AcquireShared(options.Console);
                    context.Metrics.ObserveQueueDrops(ExporterNames.Console, () => collector.SpansDropped);
                    processors.Add(new ConsoleWaterfallProcessor(collector, context.ServiceName, WaterfallCollector.ReleaseShared));
                    break;
                case ExporterNames.None:
                    break;
                default:
                    throw new ArgumentException($"Unknown exporter '{name}'.", nameof(context));
            }
        }

        return processors;
    }
}

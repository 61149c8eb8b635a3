using Tracing.Sdk.Exporters.JaegerUdp;
using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Exporters;

/// <summary>Start-up checks of the exporter, batch and console options.</summary>
internal static class ExporterOptionsValidation
{
    public static void Validate(TracingOptions options, string key, ICollection<string> errors)
    {
        OptionChecks.NameList(options.Exporters, ExporterNames.All, ExporterNames.None, $"{key}:Exporters", errors);

        var otlp = options.Otlp;
        if (otlp.Endpoint is not null)
        {
            OptionChecks.HttpUri(otlp.Endpoint, $"{key}:Otlp:Endpoint", errors);
        }

        OptionChecks.OneOf(otlp.Protocol, OtlpProtocols.All, $"{key}:Otlp:Protocol", errors);
        OptionChecks.InRange(otlp.TimeoutMilliseconds, 1, int.MaxValue, $"{key}:Otlp:TimeoutMilliseconds", errors);
        if (!Enum.IsDefined(otlp.Retry))
        {
            // The binder takes numbers too; names it rejects itself, with key and value.
            errors.Add($"{key}:Otlp:Retry={(int)otlp.Retry} is not one of: none, memory.");
        }

        if (otlp.Headers is not null && !OtlpHeaders.TryParse(otlp.Headers, out _, out var headerError))
        {
            // Never the value: it holds credentials.
            errors.Add($"{key}:Otlp:Headers is malformed: {headerError} (header values are not shown)");
        }

        var batch = options.Batch;
        OptionChecks.InRange(batch.MaxQueueSize, 1, int.MaxValue, $"{key}:Batch:MaxQueueSize", errors);
        OptionChecks.InRange(batch.MaxExportBatchSize, 1, int.MaxValue, $"{key}:Batch:MaxExportBatchSize", errors);
        OptionChecks.InRange(batch.ScheduledDelayMilliseconds, 1, int.MaxValue, $"{key}:Batch:ScheduledDelayMilliseconds", errors);
        OptionChecks.InRange(batch.ExportTimeoutMilliseconds, 1, int.MaxValue, $"{key}:Batch:ExportTimeoutMilliseconds", errors);
        if (batch.MaxExportBatchSize > batch.MaxQueueSize && batch.MaxQueueSize > 0)
        {
            errors.Add($"{key}:Batch:MaxExportBatchSize={batch.MaxExportBatchSize} is greater than {key}:Batch:MaxQueueSize={batch.MaxQueueSize}; a batch cannot be larger than the queue.");
        }

        var jaeger = options.JaegerUdp;
        if (string.IsNullOrWhiteSpace(jaeger.Host))
        {
            errors.Add($"{key}:JaegerUdp:Host='{jaeger.Host}' is empty; give a host name or an IP address.");
        }

        OptionChecks.InRange(jaeger.Port, 1, 65535, $"{key}:JaegerUdp:Port", errors);
        OptionChecks.InRange(jaeger.MaxPacketSize, 1, 65507, $"{key}:JaegerUdp:MaxPacketSize", errors);
        OptionChecks.OneOf(jaeger.Protocol, JaegerUdpProtocols.All, $"{key}:JaegerUdp:Protocol", errors);

        var console = options.Console;
        OptionChecks.InRange(console.MaxTraceAgeSeconds, 1, 86_400, $"{key}:Console:MaxTraceAgeSeconds", errors);
        OptionChecks.InRange(console.MaxSpansPerTrace, 1, 100_000, $"{key}:Console:MaxSpansPerTrace", errors);
        OptionChecks.InRange(console.MaxTraces, 1, 100_000, $"{key}:Console:MaxTraces", errors);
    }
}

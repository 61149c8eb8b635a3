using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Exporters;

/// <summary>Maps the exporter and batch-processor <c>OTEL_*</c> variables onto the options.</summary>
internal static class ExporterEnvironment
{
    public static void Apply(TracingOptions options, OtelEnvironment environment, ICollection<string> errors)
    {
        if (environment.GetList(OtelEnvironmentVariables.TracesExporter) is { } exporters)
        {
            options.Exporters = exporters;
        }

        ApplyOtlp(options.Otlp, environment, errors);
        ApplyBatch(options.Batch, environment, errors);
        ApplyJaeger(options.JaegerUdp, environment, errors);
    }

    private static void ApplyOtlp(OtlpOptions otlp, OtelEnvironment environment, ICollection<string> errors)
    {
        // The signal-specific variable wins over the generic one and is a full URL (no path appended).
        if (environment.Get(OtelEnvironmentVariables.OtlpTracesEndpoint) is { } signalEndpoint)
        {
            otlp.Endpoint = signalEndpoint;
            otlp.SignalEndpointFromEnvironment = signalEndpoint;
        }
        else if (environment.Get(OtelEnvironmentVariables.OtlpEndpoint) is { } endpoint)
        {
            otlp.Endpoint = endpoint;
        }

        if (environment.GetFirst(OtelEnvironmentVariables.OtlpTracesProtocol, OtelEnvironmentVariables.OtlpProtocol) is { } protocol)
        {
            otlp.Protocol = protocol.Value;
        }

        if (environment.GetFirst(OtelEnvironmentVariables.OtlpTracesHeaders, OtelEnvironmentVariables.OtlpHeaders) is { } headers)
        {
            otlp.Headers = headers.Value;
        }

        var timeoutName = environment.Get(OtelEnvironmentVariables.OtlpTracesTimeout) is null
            ? OtelEnvironmentVariables.OtlpTimeout
            : OtelEnvironmentVariables.OtlpTracesTimeout;
        if (environment.TryGetInt(timeoutName, errors, out var timeout, min: 1))
        {
            otlp.TimeoutMilliseconds = timeout;
        }
    }

    private static void ApplyBatch(BatchOptions batch, OtelEnvironment environment, ICollection<string> errors)
    {
        if (environment.TryGetInt(OtelEnvironmentVariables.BspMaxQueueSize, errors, out var queue, min: 1))
        {
            batch.MaxQueueSize = queue;
        }

        if (environment.TryGetInt(OtelEnvironmentVariables.BspMaxExportBatchSize, errors, out var size, min: 1))
        {
            batch.MaxExportBatchSize = size;
        }

        if (environment.TryGetInt(OtelEnvironmentVariables.BspScheduleDelay, errors, out var delay, min: 1))
        {
            batch.ScheduledDelayMilliseconds = delay;
        }

        if (environment.TryGetInt(OtelEnvironmentVariables.BspExportTimeout, errors, out var timeout, min: 1))
        {
            batch.ExportTimeoutMilliseconds = timeout;
        }
    }

    private static void ApplyJaeger(JaegerUdpOptions jaeger, OtelEnvironment environment, ICollection<string> errors)
    {
        if (environment.Get(OtelEnvironmentVariables.JaegerAgentHost) is { } host)
        {
            jaeger.Host = host;
        }

        if (environment.TryGetInt(OtelEnvironmentVariables.JaegerAgentPort, errors, out var port, min: 1))
        {
            jaeger.Port = port;
        }
    }
}

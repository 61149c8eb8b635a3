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

        ApplyOtlpRetry(otlp, environment, errors);
    }

    /// <summary>
    /// OpenTelemetry .NET's experimental switch for the OTLP exporter's retry. <c>in_memory</c> is what
    /// <see cref="OtlpRetryMode.Memory"/> does (transient failures sent again with backoff, in memory,
    /// within the export timeout), so it maps onto it. <c>disk</c> has no counterpart here: the retry
    /// stays in memory, and OpenTelemetry's exporter, which reads the variable itself, keeps what still
    /// fails on disk. Its other values make OpenTelemetry's exporter throw when it is created, so they
    /// are start-up errors here, named with the value.
    /// </summary>
    private static void ApplyOtlpRetry(OtlpOptions otlp, OtelEnvironment environment, ICollection<string> errors)
    {
        switch (environment.Get(OtelEnvironmentVariables.OtlpRetry)?.ToLowerInvariant())
        {
            case null:
                break;
            case "in_memory":
                otlp.Retry = OtlpRetryMode.Memory;
                break;
            case "disk" when environment.Get(OtelEnvironmentVariables.OtlpDiskRetryDirectory) is null:
                errors.Add($"{OtelEnvironmentVariables.OtlpRetry}='disk' needs {OtelEnvironmentVariables.OtlpDiskRetryDirectory} (OpenTelemetry's exporter keeps failed exports in that directory).");
                break;
            case "disk":
                break;
            default:
                errors.Add($"{OtelEnvironmentVariables.OtlpRetry}='{environment.Get(OtelEnvironmentVariables.OtlpRetry)}' is not one of: in_memory, disk.");
                break;
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

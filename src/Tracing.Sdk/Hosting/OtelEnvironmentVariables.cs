namespace Tracing.Sdk.Hosting;

/// <summary>The standard <c>OTEL_*</c> variables honoured as defaults, in one place.</summary>
internal static class OtelEnvironmentVariables
{
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";
    public const string Propagators = "OTEL_PROPAGATORS";
    public const string TracesExporter = "OTEL_TRACES_EXPORTER";

    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string OtlpTracesProtocol = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
    public const string OtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string OtlpTracesHeaders = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
    public const string OtlpTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string OtlpTracesTimeout = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
    public const string OtlpRetry = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";
    public const string OtlpDiskRetryDirectory = "OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH";

    public const string BspScheduleDelay = "OTEL_BSP_SCHEDULE_DELAY";
    public const string BspExportTimeout = "OTEL_BSP_EXPORT_TIMEOUT";
    public const string BspMaxQueueSize = "OTEL_BSP_MAX_QUEUE_SIZE";
    public const string BspMaxExportBatchSize = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";

    public const string JaegerAgentHost = "OTEL_EXPORTER_JAEGER_AGENT_HOST";
    public const string JaegerAgentPort = "OTEL_EXPORTER_JAEGER_AGENT_PORT";
}

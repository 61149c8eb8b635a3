namespace Tracing.Sdk.Exporters;

/// <summary>
/// The batch span processor in front of each network exporter (<c>Tracing:Batch</c>, defaults from
/// <c>OTEL_BSP_*</c>). A span ended while the queue is full is dropped and counted.
/// </summary>
public sealed class BatchOptions
{
    /// <summary>Spans held waiting for export, &gt; 0 (<c>OTEL_BSP_MAX_QUEUE_SIZE</c>). Default 2048.</summary>
    public int MaxQueueSize { get; set; } = 2048;

    /// <summary>Spans per export call, 1..<see cref="MaxQueueSize"/> (<c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c>). Default 512.</summary>
    public int MaxExportBatchSize { get; set; } = 512;

    /// <summary>Milliseconds between scheduled exports, &gt; 0 (<c>OTEL_BSP_SCHEDULE_DELAY</c>). Default 5000.</summary>
    public int ScheduledDelayMilliseconds { get; set; } = 5000;

    /// <summary>Milliseconds one export may take before it is abandoned, &gt; 0 (<c>OTEL_BSP_EXPORT_TIMEOUT</c>). Default 30000.</summary>
    public int ExportTimeoutMilliseconds { get; set; } = 30000;
}

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>Why a span that reached an exporter's batch processor was not delivered.</summary>
internal enum DropReason
{
    /// <summary>The batch queue was full when the span ended (a burst larger than <c>Batch:MaxQueueSize</c>, or a slow or absent collector).</summary>
    QueueFull,

    /// <summary>The export holding the span failed, after the retries the OTLP exporter was allowed.</summary>
    ExportFailed,

    /// <summary>The span was still queued when the shutdown's time ran out.</summary>
    ShutdownTimeout,

    /// <summary>The span ended after its exporter had been shut down.</summary>
    AlreadyShutdown,

    /// <summary>Jaeger UDP: the span does not fit a datagram even shrunk.</summary>
    TooLarge,

    /// <summary>Jaeger UDP: the datagram holding the span could not be sent (socket error, host not resolved).</summary>
    SocketFailure,

    /// <summary>Jaeger UDP: the span could not be serialised.</summary>
    EncodingFailure,
}

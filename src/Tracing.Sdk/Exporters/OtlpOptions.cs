namespace Tracing.Sdk.Exporters;

/// <summary>The OTLP exporter (<c>Tracing:Otlp</c>), defaults from <c>OTEL_EXPORTER_OTLP_*</c>.</summary>
public sealed class OtlpOptions
{
    /// <summary>
    /// The collector's base URL, an absolute http(s) URI, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>:
    /// <c>/v1/traces</c> is appended for <c>http/protobuf</c>. <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>,
    /// when it is the value in effect, is used as is. Default <c>http://localhost:4317</c> for gRPC,
    /// <c>http://localhost:4318</c> for HTTP/protobuf.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The transport: <c>grpc</c> or <c>http/protobuf</c>. Default <c>grpc</c>.</summary>
    public string Protocol { get; set; } = OtlpProtocols.Grpc;

    /// <summary>
    /// Headers sent with every export, as <c>key=value</c> pairs separated by commas; values may be
    /// percent-encoded (<c>OTEL_EXPORTER_OTLP_HEADERS</c> syntax). Default none.
    /// </summary>
    public string? Headers { get; set; }

    /// <summary>How long one export may take, in milliseconds, &gt; 0. Default 10000.</summary>
    public int TimeoutMilliseconds { get; set; } = 10000;

    /// <summary>
    /// Whether a transiently failed export (gRPC <c>UNAVAILABLE</c>, HTTP 503, a refused connection, ...)
    /// is sent again within <see cref="TimeoutMilliseconds"/>: <see cref="OtlpRetryMode.Memory"/> (the
    /// default) or <see cref="OtlpRetryMode.None"/>. <c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory</c>
    /// gives <see cref="OtlpRetryMode.Memory"/>.
    /// </summary>
    public OtlpRetryMode Retry { get; set; } = OtlpRetryMode.Memory;

    /// <summary>The value <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> gave, which is used without a path appended.</summary>
    internal string? SignalEndpointFromEnvironment { get; set; }
}

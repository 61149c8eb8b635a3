namespace Tracing.Sdk.Sampling;

/// <summary>How the <c>remote</c> policy asks for its strategy (<c>Tracing:Sampler:Remote:Protocol</c>).</summary>
public enum RemoteSamplingProtocol
{
    /// <summary>
    /// Chosen by <see cref="RemoteSamplerOptions.Endpoint"/>: HTTP when the endpoint has a path
    /// (<c>http://jaeger-agent:5778/sampling</c>), gRPC when it has none (<c>http://jaeger-collector:14250</c>).
    /// </summary>
    Auto = 0,

    /// <summary>
    /// gRPC: the unary call <c>jaeger.api_v2.SamplingManager/GetSamplingStrategy</c> (Jaeger IDL
    /// <c>proto/api_v2/sampling.proto</c>), served by the Jaeger collector on port 14250 and by the
    /// OpenTelemetry Collector's Jaeger remote sampling extension. <c>http://</c> endpoints use HTTP/2
    /// without TLS (prior knowledge), <c>https://</c> endpoints HTTP/2 over TLS.
    /// </summary>
    Grpc = 1,

    /// <summary>
    /// HTTP: <c>GET &lt;endpoint&gt;?service=&lt;service.name&gt;</c> answered with JSON, as the Jaeger agent
    /// (<c>:5778/sampling</c>) and the collector (<c>:14268/api/sampling</c>) serve it.
    /// </summary>
    Http = 2,
}

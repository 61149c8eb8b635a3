namespace Tracing.Sdk.Grpc;

/// <summary>gRPC client spans (<c>Tracing:Grpc</c>).</summary>
public sealed class GrpcTracingOptions
{
    /// <summary>
    /// Whether the HttpClient span beneath the gRPC client span of the <c>AddGrpcTracing()</c> handler is
    /// suppressed, so that a call shows as one hop. Default <see langword="true"/>. The interceptor and
    /// <c>GrpcTracing.CreateHandler()</c> always suppress it.
    /// </summary>
    public bool SuppressHttpClientSpans { get; set; } = true;
}

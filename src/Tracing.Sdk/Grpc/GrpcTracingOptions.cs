namespace Tracing.Sdk.Grpc;

/// <summary>gRPC client spans (<c>Tracing:Grpc</c>).</summary>
public sealed class GrpcTracingOptions
{
    /// <summary>
    /// Whether the HttpClient span beneath a gRPC client span is suppressed, so that a call shows as
    /// one hop. Default <see langword="true"/>.
    /// </summary>
    public bool SuppressHttpClientSpans { get; set; } = true;
}

namespace Tracing.Sdk.Grpc;

/// <summary>
/// Names of the gRPC client span: its source, the RPC semantic-convention attributes
/// (https://opentelemetry.io/docs/specs/semconv/rpc/grpc/) and the gRPC-over-HTTP/2 headers it reads
/// (grpc/grpc <c>doc/PROTOCOL-HTTP2.md</c>).
/// </summary>
internal static class GrpcSpanNames
{
    /// <summary>The SDK's gRPC client source, recorded through the <c>Tracing.Sdk.*</c> source pattern.</summary>
    public const string SourceName = "Tracing.Sdk.Grpc";

    public const string RpcSystem = "rpc.system";
    public const string RpcSystemGrpc = "grpc";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";
    public const string RpcGrpcStatusCode = "rpc.grpc.status_code";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";

    /// <summary>Response trailer (or header, in a Trailers-Only response) with the call's status code.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>Percent-encoded UTF-8 description of a non-OK status.</summary>
    public const string MessageHeader = "grpc-message";

    /// <summary>Request header with the time the caller allows the call (<c>TimeoutValue TimeoutUnit</c>).</summary>
    public const string TimeoutHeader = "grpc-timeout";
}

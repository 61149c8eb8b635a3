namespace Tracing.Sdk.Conventions;

/// <summary>
/// Attribute names of the OpenTelemetry semantic conventions the SDK writes, in one place: stable HTTP
/// spans (server and client), RPC/gRPC spans, and the general <c>server.*</c>, <c>client.*</c>,
/// <c>url.*</c>, <c>network.*</c> and <c>error.type</c> attributes.
/// </summary>
internal static class SemanticConventions
{
    // HTTP spans (stable): https://opentelemetry.io/docs/specs/semconv/http/http-spans/
    public const string HttpRequestMethod = "http.request.method";
    public const string HttpRequestMethodOriginal = "http.request.method_original";
    public const string HttpResponseStatusCode = "http.response.status_code";
    public const string HttpRoute = "http.route";
    public const string HttpRequestHeaderPrefix = "http.request.header.";
    public const string HttpResponseHeaderPrefix = "http.response.header.";

    /// <summary><c>http.request.method</c> of a method that is not known (the sent value goes in <c>http.request.method_original</c>).</summary>
    public const string OtherMethod = "_OTHER";

    /// <summary>The span name's method part when the method is not known.</summary>
    public const string UnknownMethodSpanName = "HTTP";

    /// <summary>Replaces the set of known methods (semconv <c>http.request.method</c>, note 1).</summary>
    public const string KnownMethodsVariable = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS";

    public const string UrlFull = "url.full";
    public const string UrlScheme = "url.scheme";
    public const string UrlPath = "url.path";
    public const string UrlQuery = "url.query";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ClientAddress = "client.address";
    public const string UserAgentOriginal = "user_agent.original";
    public const string NetworkProtocolVersion = "network.protocol.version";
    public const string ErrorType = "error.type";
    public const string NetworkPeerAddress = "network.peer.address";
    public const string NetworkPeerPort = "network.peer.port";

    // RPC spans, gRPC: https://opentelemetry.io/docs/specs/semconv/rpc/grpc/
    public const string RpcSystem = "rpc.system";
    public const string RpcSystemGrpc = "grpc";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";
    public const string RpcGrpcStatusCode = "rpc.grpc.status_code";
    public const string RpcResponseStatusCode = "rpc.response.status_code";
}

using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Names and value rules of the stable HTTP server span conventions (OpenTelemetry semantic
/// conventions 1.2x, "HTTP spans") and of the gRPC conventions ("RPC spans", "gRPC").
/// </summary>
internal static class HttpSemanticConventions
{
    public const string RequestMethod = "http.request.method";
    public const string RequestMethodOriginal = "http.request.method_original";
    public const string ResponseStatusCode = "http.response.status_code";
    public const string Route = "http.route";
    public const string UrlScheme = "url.scheme";
    public const string UrlPath = "url.path";
    public const string UrlQuery = "url.query";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ClientAddress = "client.address";
    public const string UserAgent = "user_agent.original";
    public const string ProtocolVersion = "network.protocol.version";
    public const string ErrorType = "error.type";
    public const string RequestHeaderPrefix = "http.request.header.";
    public const string ResponseHeaderPrefix = "http.response.header.";

    public const string RpcSystem = "rpc.system";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";
    public const string RpcGrpcStatusCode = "rpc.grpc.status_code";

    /// <summary>
    /// <c>http.request.method</c> "MUST be one of the known methods" (RFC 9110 section 9 plus PATCH,
    /// case-sensitive); anything else is recorded as <c>_OTHER</c> and the span name uses <c>HTTP</c>.
    /// </summary>
    public const string OtherMethod = "_OTHER";

    private static readonly object[] s_boxedStatusCodes = Enumerable.Range(0, 600).Select(static code => (object)code).ToArray();

    /// <summary>The known method as recorded, or <see langword="null"/> for <c>_OTHER</c>.</summary>
    public static string? KnownMethod(string method) => method switch
    {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => null,
    };

    /// <summary><c>network.protocol.version</c> from the request's protocol (<c>HTTP/1.1</c> → <c>1.1</c>).</summary>
    public static string? ProtocolVersionOf(string protocol)
    {
        if (HttpProtocol.IsHttp11(protocol))
        {
            return "1.1";
        }

        if (HttpProtocol.IsHttp2(protocol))
        {
            return "2";
        }

        if (HttpProtocol.IsHttp3(protocol))
        {
            return "3";
        }

        return HttpProtocol.IsHttp10(protocol) ? "1.0" : null;
    }

    /// <summary>A boxed status code without allocating for the usual range.</summary>
    public static object Boxed(int statusCode) =>
        (uint)statusCode < (uint)s_boxedStatusCodes.Length ? s_boxedStatusCodes[statusCode] : statusCode;

    /// <summary>Sets <paramref name="key"/> unless the value is null or empty (attributes are never empty strings).</summary>
    public static void SetIfPresent(Activity activity, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            activity.SetTag(key, value);
        }
    }
}

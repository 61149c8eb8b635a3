using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Recognising gRPC over HTTP/2 without Grpc.AspNetCore: the content type (gRPC over HTTP/2 spec,
/// "Requests": <c>application/grpc</c> optionally followed by <c>+proto</c>, <c>+json</c>, ...), the
/// <c>/{package.Service}/{Method}</c> path, and the <c>grpc-status</c> trailer ("Responses"), or header
/// for a Trailers-Only response.
/// </summary>
internal static class GrpcConventions
{
    public const string StatusHeader = Conventions.GrpcProtocolNames.StatusHeader;

    private const int MaxPathLength = 512;

    public static bool IsGrpc(HttpRequest request)
    {
        var contentType = request.ContentType;
        return contentType is not null && contentType.StartsWith(Conventions.GrpcProtocolNames.ContentType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Splits <c>/package.Service/Method</c>; false for anything else (the path is then not a gRPC method name).</summary>
    public static bool TryParsePath(string? path, out string service, out string method)
    {
        service = method = string.Empty;
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength || path[0] != '/')
        {
            return false;
        }

        var slash = path.IndexOf('/', 1);
        if (slash <= 1 || slash == path.Length - 1 || path.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        var servicePart = path.AsSpan(1, slash - 1);
        var methodPart = path.AsSpan(slash + 1);
        if (!IsIdentifier(servicePart, allowDots: true) || !IsIdentifier(methodPart, allowDots: false))
        {
            return false;
        }

        service = servicePart.ToString();
        method = methodPart.ToString();
        return true;
    }

    /// <summary>The response's <c>grpc-status</c>: trailer first, else the header of a Trailers-Only response.</summary>
    public static bool TryGetStatus(HttpContext context, out int status)
    {
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        if (trailers is not null && TryParse(trailers[StatusHeader], out status))
        {
            return true;
        }

        return TryParse(context.Response.Headers[StatusHeader], out status);
    }

    /// <summary>
    /// Status codes that mark a server span as Error (semantic conventions, "gRPC Status": UNKNOWN,
    /// DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS); the others are the caller's
    /// problem, not the server's.
    /// </summary>
    public static bool IsServerError(int status) => status is 2 or 4 or 12 or 13 or 14 or 15;

    private static bool TryParse(Microsoft.Extensions.Primitives.StringValues values, out int status)
    {
        status = 0;
        return values.Count > 0
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out status)
            && status <= 16;
    }

    private static bool IsIdentifier(ReadOnlySpan<char> text, bool allowDots)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowDots && c == '.')))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}

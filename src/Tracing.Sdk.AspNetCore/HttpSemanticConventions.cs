using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Value rules of the stable HTTP server span conventions (OpenTelemetry semantic conventions,
/// "HTTP spans"); the attribute names are in <see cref="Conventions.SemanticConventions"/>.
/// </summary>
internal static class HttpSemanticConventions
{


    private static readonly object[] s_boxedStatusCodes = Enumerable.Range(0, 600).Select(static code => (object)code).ToArray();

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

using System.Diagnostics;
using static Tracing.Sdk.Conventions.SemanticConventions;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Keeps the server span one span with one name and one attribute set when another instrumentation
/// describes the same hosting Activity — OpenTelemetry's <c>Instrumentation.AspNetCore</c> added to the
/// same provider (it tags the Activity when hosting starts it, before this SDK's middleware runs, and
/// again when hosting stops it, after the middleware ended). The request attributes it set first are
/// cleared when the SDK starts describing the span; the SDK's final name, status and HTTP/RPC
/// attributes are recorded when the middleware ends and written back when the span ends (the provider's
/// processors run after hosting's stop event). Attributes outside the HTTP and RPC conventions — an
/// app's own enrichment, gRPC's <c>grpc.*</c> tags — are left alone.
/// </summary>
internal sealed class ServerSpanFinalWord
{
    /// <summary>Custom property on a hosting Activity that another instrumentation also describes.</summary>
    public const string Property = "Tracing.Sdk.AspNetCore.FinalWord";

    /// <summary>The HTTP and RPC server-span attributes either side may write.</summary>
    private static readonly string[] s_keys =
    [
        HttpRequestMethod, HttpRequestMethodOriginal, UrlScheme, UrlPath, UrlQuery, ServerAddress, ServerPort,
        UserAgentOriginal, NetworkProtocolVersion, HttpRoute, HttpResponseStatusCode, ErrorType, ClientAddress,
        NetworkPeerAddress, NetworkPeerPort, RpcSystem, RpcService, RpcMethod, RpcGrpcStatusCode, RpcResponseStatusCode,
    ];

    private readonly object?[] _values = new object?[s_keys.Length];
    private string? _name;
    private ActivityStatusCode _status;
    private string? _statusDescription;
    private bool _recorded;

    /// <summary>Whether someone described <paramref name="activity"/> before the SDK's middleware ran.</summary>
    public static bool IsDescribedByOthers(Activity activity) =>
        activity.GetTagItem(HttpRequestMethod) is not null || activity.GetTagItem(UrlScheme) is not null || activity.GetTagItem(UrlPath) is not null;

    /// <summary>Clears the other instrumentation's request attributes and marks the Activity for <see cref="Restore"/>.</summary>
    public static ServerSpanFinalWord Claim(Activity activity)
    {
        foreach (var key in s_keys)
        {
            activity.SetTag(key, null);
        }

        var finalWord = new ServerSpanFinalWord();
        activity.SetCustomProperty(Property, finalWord);
        return finalWord;
    }

    /// <summary>Remembers the span as the SDK left it.</summary>
    public void Record(Activity activity)
    {
        for (var i = 0; i < s_keys.Length; i++)
        {
            _values[i] = activity.GetTagItem(s_keys[i]);
        }

        _name = activity.DisplayName;
        _status = activity.Status;
        _statusDescription = activity.StatusDescription;
        _recorded = true;
    }

    /// <summary>Writes back what <see cref="Record"/> remembered, over whatever was written since.</summary>
    public void Restore(Activity activity)
    {
        if (!_recorded)
        {
            return;
        }

        for (var i = 0; i < s_keys.Length; i++)
        {
            activity.SetTag(s_keys[i], _values[i]);
        }

        activity.DisplayName = _name!;
        activity.SetStatus(_status, _statusDescription);
    }
}

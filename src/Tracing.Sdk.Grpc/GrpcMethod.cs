using System.Collections.Concurrent;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The names a gRPC request path gives a span. The path is <c>/{package.Service}/{Method}</c>
/// (PROTOCOL-HTTP2.md, "Path"), possibly after a base path of the channel's address; the span is named
/// <c>{package.Service}/{Method}</c> (semconv RPC spans, "Name"). Parsed once per distinct path.
/// </summary>
internal sealed class GrpcMethod
{
    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<string, GrpcMethod> s_cache = new(StringComparer.Ordinal);

    private GrpcMethod(string spanName, string? service, string? method)
    {
        SpanName = spanName;
        Service = service;
        Method = method;
    }

    public string SpanName { get; }

    /// <summary><c>rpc.service</c>, or <see langword="null"/> when the path is not shaped like a gRPC method.</summary>
    public string? Service { get; }

    /// <summary><c>rpc.method</c>, or <see langword="null"/> when the path is not shaped like a gRPC method.</summary>
    public string? Method { get; }

    public static GrpcMethod FromPath(string path)
    {
        if (s_cache.TryGetValue(path, out var known))
        {
            return known;
        }

        var parsed = Parse(path);
        if (s_cache.Count < MaxCached)
        {
            s_cache.TryAdd(path, parsed);
        }

        return parsed;
    }

    private static GrpcMethod Parse(string path)
    {
        var trimmed = path.AsSpan().TrimEnd('/');
        var lastSlash = trimmed.LastIndexOf('/');
        if (lastSlash > 0 && lastSlash < trimmed.Length - 1)
        {
            var serviceStart = trimmed[..lastSlash].LastIndexOf('/') + 1;
            var service = trimmed[serviceStart..lastSlash];
            if (service.Length > 0)
            {
                var method = trimmed[(lastSlash + 1)..].ToString();
                var serviceName = service.ToString();
                return new GrpcMethod(trimmed[serviceStart..].ToString(), serviceName, method);
            }
        }

        var name = path.Trim('/');
        return new GrpcMethod(name.Length == 0 ? "grpc" : name, null, null);
    }
}

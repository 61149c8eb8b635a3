using System.Collections.Concurrent;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The names a gRPC request path gives a span. The path is <c>/{package.Service}/{Method}</c>
/// (PROTOCOL-HTTP2.md, "Path"), possibly after a base path of the channel's address; the span is named
/// <c>{package.Service}/{Method}</c> (semconv RPC spans, "Name"). Parsed once per distinct path; the
/// attributes a span starts with are built once per method and server, and shared by its calls
/// (a sampler and the Activity only read them).
/// </summary>
internal sealed class GrpcMethod
{
    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<string, GrpcMethod> s_cache = new(StringComparer.Ordinal);

    private TagSet? _lastTags;

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

    /// <summary>
    /// The attributes known when a call starts (semconv RPC client spans): <c>rpc.system</c>,
    /// <c>rpc.service</c>, <c>rpc.method</c>, and <c>server.address</c> / <c>server.port</c> when the
    /// server is known. Cached for the server last asked (a method is usually called on one server).
    /// </summary>
    public KeyValuePair<string, object?>[] StartTags(string? serverAddress, int serverPort)
    {
        var last = _lastTags;
        if (last is not null && last.Port == serverPort && string.Equals(last.Address, serverAddress, StringComparison.Ordinal))
        {
            return last.Tags;
        }

        var tags = new List<KeyValuePair<string, object?>>(5) { new(SemanticConventions.RpcSystem, SemanticConventions.RpcSystemGrpc) };
        if (Service is not null)
        {
            tags.Add(new(SemanticConventions.RpcService, Service));
            tags.Add(new(SemanticConventions.RpcMethod, Method));
        }

        if (serverAddress is not null)
        {
            tags.Add(new(SemanticConventions.ServerAddress, serverAddress));
            if (serverPort > 0)
            {
                tags.Add(new(SemanticConventions.ServerPort, serverPort));
            }
        }

        var built = new TagSet(serverAddress, serverPort, [.. tags]);
        _lastTags = built;
        return built.Tags;
    }

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

    private sealed record TagSet(string? Address, int Port, KeyValuePair<string, object?>[] Tags);
}

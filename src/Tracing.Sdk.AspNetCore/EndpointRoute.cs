using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// The <c>http.route</c> of an endpoint and the span names built from it, computed once per endpoint.
/// The route is the one ASP.NET Core's own <c>http.server.request.duration</c> metric reports (its
/// <see cref="IRouteDiagnosticsMetadata"/>, else the route pattern's text; an empty template is
/// <c>/</c>), so that spans and metrics group requests the same way.
/// </summary>
internal sealed class EndpointRoute
{
    private static readonly ConditionalWeakTable<Endpoint, EndpointRoute> s_byEndpoint = [];

    private NameForMethod? _lastName;
    private string? _grpcName;

    private EndpointRoute(string? route) => Route = route;

    /// <summary>The route template, or <see langword="null"/> for an endpoint that has none (not a route endpoint).</summary>
    public string? Route { get; }

    public static EndpointRoute Of(Endpoint endpoint) =>
        s_byEndpoint.GetValue(endpoint, static e => new EndpointRoute(Resolve(e)));

    /// <summary><c>{method} {route}</c>, cached for the method last asked (an endpoint usually serves one).</summary>
    public string SpanName(string methodForName)
    {
        if (Route is null)
        {
            return methodForName;
        }

        var last = _lastName;
        if (last is not null && string.Equals(last.Method, methodForName, StringComparison.Ordinal))
        {
            return last.Name;
        }

        var name = new NameForMethod(methodForName, $"{methodForName} {Route}");
        _lastName = name;
        return name.Name;
    }

    /// <summary>
    /// <c>{package.Service}/{Method}</c> (gRPC span name) when the route is exactly the literal gRPC path
    /// <paramref name="path"/>; <see langword="null"/> otherwise, so that a catch-all route can never
    /// turn caller-chosen paths into span names.
    /// </summary>
    public string? GrpcSpanName(string? path)
    {
        if (Route is null || path is null || !string.Equals(Route, path, StringComparison.Ordinal)
            || !GrpcConventions.TryParsePath(path, out _, out _))
        {
            return null;
        }

        return _grpcName ??= path[1..];
    }

    private static string? Resolve(Endpoint endpoint)
    {
        var route = endpoint.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route
            ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        return route is null ? null : route.Length == 0 ? "/" : route;
    }

    private sealed record NameForMethod(string Method, string Name);
}

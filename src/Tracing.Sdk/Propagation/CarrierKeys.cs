using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// The header names a carrier holds, for formats whose names carry data (Jaeger's
/// <c>uberctx-{key}</c>): a getter alone cannot discover them. Known carriers: string and
/// <see cref="StringValues"/> dictionaries (message headers, ASP.NET Core request headers),
/// <see cref="HttpHeaders"/> and <see cref="HttpRequestMessage"/>.
/// </summary>
internal static class CarrierKeys
{
    public static IEnumerable<string>? Of(object? carrier) => carrier switch
    {
        ICarrierKeys own => own.Keys,
        IEnumerable<KeyValuePair<string, string>> strings => strings.Select(static p => p.Key),
        IEnumerable<KeyValuePair<string, StringValues>> headers => headers.Select(static p => p.Key),
        HttpRequestMessage request => request.Headers.Select(static p => p.Key),
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> httpHeaders => httpHeaders.Select(static p => p.Key),
        IEnumerable<KeyValuePair<string, object>> objects => objects.Select(static p => p.Key),
        _ => null,
    };
}

/// <summary>A carrier wrapper that can list the names of the carrier it wraps.</summary>
internal interface ICarrierKeys
{
    IEnumerable<string>? Keys { get; }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// The caller's address as <c>HttpContext.Connection.RemoteIpAddress</c> will read once
/// <c>ForwardedHeadersMiddleware</c> has run. Hosting extracts the trace context before any middleware,
/// so trust cannot wait for it: this applies the app's <see cref="ForwardedHeadersOptions"/> to
/// <c>X-Forwarded-For</c> the same way — right to left, at most <c>ForwardLimit</c> entries, each hop
/// accepted only while the address before it is a known proxy or in a known network, stopping at the
/// first entry that is not an IP endpoint.
/// </summary>
internal sealed class ForwardedClientAddress
{
    private readonly ForwardedHeadersOptions _options;
    private readonly bool _forwardsFor;
    private readonly bool _checkKnown;

    public ForwardedClientAddress(ForwardedHeadersOptions options)
    {
        _options = options;
        _forwardsFor = options.ForwardedHeaders.HasFlag(ForwardedHeaders.XForwardedFor)
            && !string.IsNullOrWhiteSpace(options.ForwardedForHeaderName);
        _checkKnown = KnownNetworkCount(options) > 0 || options.KnownProxies.Count > 0;
    }

    public IPAddress? Resolve(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (!_forwardsFor)
        {
            return address;
        }

        var headers = context.Request.Headers;
        var forwardedFor = headers.GetCommaSeparatedValues(_options.ForwardedForHeaderName);
        if (forwardedFor.Length == 0 || !IsSymmetric(headers, forwardedFor.Length))
        {
            return address;
        }

        var entries = _options.ForwardLimit is { } limit ? Math.Min(limit, forwardedFor.Length) : forwardedFor.Length;
        var resolved = address;
        for (var i = 0; i < entries; i++)
        {
            if (resolved is not null && _checkKnown && !IsKnownProxy(resolved))
            {
                break;
            }

            var entry = forwardedFor[forwardedFor.Length - 1 - i];
            if (IPEndPoint.TryParse(entry, out var endPoint))
            {
                resolved = endPoint.Address;
            }
            else if (!string.IsNullOrEmpty(entry) || _options.RequireHeaderSymmetry)
            {
                // The middleware stops at an unparsable entry (keeping what it applied so far) and
                // applies nothing when symmetry is required and an entry is missing.
                return string.IsNullOrEmpty(entry) ? address : resolved;
            }
        }

        return resolved;
    }

    private static int KnownNetworkCount(ForwardedHeadersOptions options)
    {
#if NET10_0_OR_GREATER
        return options.KnownIPNetworks.Count;
#else
        return options.KnownNetworks.Count;
#endif
    }

    private bool IsSymmetric(IHeaderDictionary headers, int forCount)
    {
        if (!_options.RequireHeaderSymmetry)
        {
            return true;
        }

        var flags = _options.ForwardedHeaders;
        return (!flags.HasFlag(ForwardedHeaders.XForwardedProto) || headers.GetCommaSeparatedValues(_options.ForwardedProtoHeaderName).Length == forCount)
            && (!flags.HasFlag(ForwardedHeaders.XForwardedHost) || headers.GetCommaSeparatedValues(_options.ForwardedHostHeaderName).Length == forCount)
            && (!flags.HasFlag(ForwardedHeaders.XForwardedPrefix) || headers.GetCommaSeparatedValues(_options.ForwardedPrefixHeaderName).Length == forCount);
    }

    private bool IsKnownProxy(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && IsKnownProxy(address.MapToIPv4()))
        {
            return true;
        }

        if (_options.KnownProxies.Contains(address))
        {
            return true;
        }

#if NET10_0_OR_GREATER
        foreach (var network in _options.KnownIPNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
#else
        foreach (var network in _options.KnownNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
#endif

        return false;
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.AspNetCore;

/// <summary><see cref="AspNetCoreTracingOptions"/> compiled once per host for the per-request path.</summary>
internal sealed class AspNetCoreSettings
{
    private AspNetCoreSettings(TracingOptions options, ServerSpanHooks hooks, HttpMethodNames methods)
    {
        var aspNetCore = options.AspNetCore;
        Methods = methods;
        Enabled = options.Enabled;
        Exclusions = new PathExclusions(aspNetCore.ExcludePaths ?? []);
        Query = new QueryRedactor(aspNetCore.QueryAllowList);
        RequestHeaders = new HeaderCapture(aspNetCore.CaptureRequestHeaders, SemanticConventions.HttpRequestHeaderPrefix);
        ResponseHeaders = new HeaderCapture(aspNetCore.CaptureResponseHeaders, SemanticConventions.HttpResponseHeaderPrefix);
        IncomingContext = ParseMode(aspNetCore.IncomingContext);
        TrustedNetworks = aspNetCore.TrustedNetworks
            .Select(static cidr => IPNetwork.TryParse(cidr?.Trim() ?? string.Empty, out var network) ? network : (IPNetwork?)null)
            .Where(static network => network is not null)
            .Select(static network => network!.Value)
            .ToArray();
        RecordExceptions = aspNetCore.RecordExceptions;
        Enrich = hooks.Enrich;
        Filter = hooks.Filter;
    }

    public bool Enabled { get; }

    /// <summary>The known request methods (shared with HttpClient spans; <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c>).</summary>
    public HttpMethodNames Methods { get; }

    public PathExclusions Exclusions { get; }

    public QueryRedactor Query { get; }

    public HeaderCapture RequestHeaders { get; }

    public HeaderCapture ResponseHeaders { get; }

    public IncomingContextMode IncomingContext { get; }

    /// <summary>Whether the trust policy changes anything: a mode other than <c>continue</c>.</summary>
    public bool PolicyApplies => Enabled && IncomingContext != IncomingContextMode.Continue;

    public IPNetwork[] TrustedNetworks { get; }

    public bool RecordExceptions { get; }

    public Action<Activity, HttpContext>? Enrich { get; }

    public Func<HttpContext, bool>? Filter { get; }

    public static AspNetCoreSettings Create(TracingOptions options, ServerSpanHooks hooks, HttpMethodNames methods) => new(options, hooks, methods);

    /// <summary>Whether a caller at <paramref name="address"/> is in <see cref="TrustedNetworks"/> (IPv4-mapped IPv6 counts as IPv4).</summary>
    public bool IsTrusted(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in TrustedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IncomingContextMode ParseMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        "restart" => IncomingContextMode.Restart,
        "ignore" => IncomingContextMode.Ignore,
        _ => IncomingContextMode.Continue,
    };
}

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// ASP.NET Core server spans (<c>Tracing:AspNetCore</c>), applied when the app references
/// <c>Tracing.Sdk.AspNetCore</c>; <see cref="QueryAllowList"/> also applies to HttpClient spans. Code
/// hooks that take an <c>HttpContext</c> (<c>Filter</c>, <c>Enrich</c>) live in that package:
/// <c>services.ConfigureServerSpans(...)</c>.
/// </summary>
public sealed class AspNetCoreTracingOptions
{
    /// <summary>
    /// Request paths that get no span (nor child spans): an exact path (<c>/health</c>) or a prefix
    /// ending in <c>*</c> (<c>/internal/*</c>); case-insensitive.
    /// Default <c>/health</c>, <c>/healthz</c>, <c>/alive</c>, <c>/metrics</c>.
    /// </summary>
    public IList<string>? ExcludePaths { get; set; }

    /// <summary>Whether unhandled exceptions are recorded as an <c>exception</c> event. Default <see langword="true"/>.</summary>
    public bool RecordExceptions { get; set; } = true;

    /// <summary>
    /// What to do with a caller's trace context: <c>continue</c> it (default), <c>restart</c> (a new
    /// trace sampled here, the caller's context kept as a span link) or <c>ignore</c> it (a new trace, no link).
    /// Callers in <see cref="TrustedNetworks"/> are always continued.
    /// </summary>
    public string IncomingContext { get; set; } = "continue";

    /// <summary>
    /// CIDR ranges (IPv4 or IPv6, e.g. <c>10.0.0.0/8</c>) whose callers' context is always continued,
    /// judged on the connection's remote address after forwarded-headers processing. Default empty.
    /// </summary>
    public IList<string> TrustedNetworks { get; set; } = new List<string>();

    /// <summary>Query parameters whose values are recorded as sent; every other value becomes <c>REDACTED</c>. Default empty.</summary>
    public IList<string> QueryAllowList { get; set; } = new List<string>();

    /// <summary>Request headers recorded as <c>http.request.header.&lt;name&gt;</c>. Default none.</summary>
    public IList<string> CaptureRequestHeaders { get; set; } = new List<string>();

    /// <summary>Response headers recorded as <c>http.response.header.&lt;name&gt;</c>. Default none.</summary>
    public IList<string> CaptureResponseHeaders { get; set; } = new List<string>();
}

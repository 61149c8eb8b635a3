namespace Tracing.Sdk.Sampling;

/// <summary>Names of the sampling policies and their option values.</summary>
internal static class SamplerTypes
{
    public const string Const = "const";
    public const string Probabilistic = "probabilistic";
    public const string RateLimiting = "ratelimiting";
    public const string PerOperation = "peroperation";
    public const string Remote = "remote";

    /// <summary>
    /// Not a policy: the <c>sampler.type</c> of a root that the per-operation lower bound kept although
    /// its probability said no (Jaeger clients' <c>lowerbound</c>).
    /// </summary>
    public const string LowerBound = "lowerbound";

    public const string IdBitsW3c = "w3c";
    public const string IdBitsJaeger = "jaeger";

    public static readonly string[] All = [Const, Probabilistic, RateLimiting, PerOperation, Remote];
    public static readonly string[] AllIdBits = [IdBitsW3c, IdBitsJaeger];

    /// <summary>The configured policy name, trimmed and lower-cased.</summary>
    public static string Normalize(string? type) => (type ?? string.Empty).Trim().ToLowerInvariant();

    /// <summary>Which trace-id bits the probability decisions read.</summary>
    public static TraceIdBits ParseIdBits(string? idBits) =>
        string.Equals(idBits?.Trim(), IdBitsJaeger, StringComparison.OrdinalIgnoreCase) ? TraceIdBits.Jaeger : TraceIdBits.W3c;
}

namespace Tracing.Sdk.Sampling;

/// <summary>Names of the sampling policies and their option values.</summary>
internal static class SamplerTypes
{
    public const string Const = "const";
    public const string Probabilistic = "probabilistic";
    public const string RateLimiting = "ratelimiting";
    public const string PerOperation = "peroperation";
    public const string Remote = "remote";

    public const string IdBitsW3c = "w3c";
    public const string IdBitsJaeger = "jaeger";

    public static readonly string[] All = [Const];
    public static readonly string[] AllIdBits = [IdBitsW3c, IdBitsJaeger];
}

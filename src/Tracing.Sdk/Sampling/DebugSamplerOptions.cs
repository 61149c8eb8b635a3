namespace Tracing.Sdk.Sampling;

/// <summary>
/// Limits on forced sampling (<c>Tracing:Sampler:Debug</c>). A caller can ask for its request to be
/// sampled whatever the policy says: <c>jaeger-debug-id</c>, B3 <c>d</c> / <c>X-B3-Flags: 1</c>, or
/// Jaeger's debug flag. From a caller in <c>AspNetCore:TrustedNetworks</c> that is always honoured;
/// from anyone else only within <see cref="MaxPerSecond"/>, so that nobody outside can fill the
/// tracing backend by sending debug headers. Refusals are counted
/// (<c>tracing.sdk.sampling.debug.refused</c>); a refused request is sampled as if it had carried no
/// debug header.
/// </summary>
public sealed class DebugSamplerOptions
{
    /// <summary>The default of <see cref="MaxPerSecond"/>: 5.</summary>
    public const double DefaultMaxPerSecond = 5;

    /// <summary>
    /// Debug requests honoured per second from callers that are not trusted (a token bucket holding
    /// up to one second's worth, at least one). 0 honours none from them; trusted callers are not
    /// limited. A finite number &gt;= 0, may be below 1 (0.1 is one every 10 s). Default 5.
    /// </summary>
    public double MaxPerSecond { get; set; } = DefaultMaxPerSecond;
}

namespace Tracing.Sdk.Sampling;

/// <summary>The <c>remote</c> policy (<c>Tracing:Sampler:Remote</c>): strategies polled from a Jaeger sampling endpoint.</summary>
public sealed class RemoteSamplerOptions
{
    /// <summary>
    /// Jaeger's HTTP sampling endpoint (the agent's <c>/sampling</c> or the collector's
    /// <c>/api/sampling</c>), an absolute http(s) URL; <c>?service=&lt;service.name&gt;</c> is appended.
    /// Default <c>http://localhost:5778/sampling</c>.
    /// </summary>
    public string Endpoint { get; set; } = "http://localhost:5778/sampling";

    /// <summary>Seconds between polls, &gt; 0. Default 60.</summary>
    public double PollingIntervalSeconds { get; set; } = 60;

    /// <summary>Probability used until the first strategy arrives, 0..1. Default 0.001.</summary>
    public double InitialProbability { get; set; } = 0.001;
}

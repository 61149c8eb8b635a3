namespace Tracing.Sdk.Sampling;

/// <summary>The <c>remote</c> policy (<c>Tracing:Sampler:Remote</c>): strategies polled from a Jaeger sampling endpoint.</summary>
public sealed class RemoteSamplerOptions
{
    /// <summary>
    /// Where the strategy is asked for, an absolute http(s) URL. Over HTTP, Jaeger's sampling endpoint
    /// (the agent's <c>/sampling</c> or the collector's <c>/api/sampling</c>), to which
    /// <c>?service=&lt;service.name&gt;</c> is appended; over gRPC, the collector's address
    /// (<c>http://jaeger-collector:14250</c>; a path, if any, is kept as a prefix of the method's).
    /// <see cref="Protocol"/> <c>auto</c> chooses HTTP for an endpoint with a path and gRPC for one
    /// without. Default <c>http://localhost:5778/sampling</c> (with <c>OTEL_TRACES_SAMPLER=jaeger_remote</c>
    /// and no <c>endpoint</c> argument: <c>http://localhost:14250</c>, as the OpenTelemetry specification says).
    /// </summary>
    public string Endpoint { get; set; } = RemoteSamplingEndpoint.DefaultHttp;

    /// <summary>
    /// How the strategy is asked for: <c>auto</c>, <c>grpc</c> or <c>http</c> (case-insensitive in
    /// configuration). Default <c>auto</c>: HTTP when <see cref="Endpoint"/> has a path, gRPC when it has none.
    /// </summary>
    public RemoteSamplingProtocol Protocol { get; set; } = RemoteSamplingProtocol.Auto;

    /// <summary>Seconds between polls, &gt; 0. Default 60.</summary>
    public double PollingIntervalSeconds { get; set; } = 60;

    /// <summary>Probability used until the first strategy arrives, 0..1. Default 0.001.</summary>
    public double InitialProbability { get; set; } = 0.001;
}

using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The remote policy's endpoints and the rule that picks the protocol for <see cref="RemoteSamplingProtocol.Auto"/>:
/// Jaeger's HTTP sampling endpoints always have a path (<c>/sampling</c>, <c>/api/sampling</c>), a gRPC
/// server's address never needs one.
/// </summary>
internal static class RemoteSamplingEndpoint
{
    /// <summary>The Jaeger agent's HTTP sampling endpoint, this SDK's default.</summary>
    public const string DefaultHttp = "http://localhost:5778/sampling";

    /// <summary>
    /// The default of <c>OTEL_TRACES_SAMPLER=jaeger_remote</c>, whose <c>endpoint</c> is a gRPC server
    /// (OpenTelemetry SDK environment variables, "OTEL_TRACES_SAMPLER_ARG" for jaeger_remote, whose example
    /// is this address): the Jaeger collector's gRPC port on this host.
    /// </summary>
    public const string DefaultGrpc = "http://localhost:14250";

    /// <summary>The valid values of <c>Remote:Protocol</c>, as written in configuration, in the order of <see cref="RemoteSamplingProtocol"/>.</summary>
    public static readonly string[] ProtocolNames = ["auto", "grpc", "http"];

    /// <summary>The protocol the options ask for, with <c>auto</c> decided by the endpoint.</summary>
    public static RemoteSamplingProtocol Resolve(RemoteSamplerOptions options) => options.Protocol switch
    {
        RemoteSamplingProtocol.Grpc => RemoteSamplingProtocol.Grpc,
        RemoteSamplingProtocol.Http => RemoteSamplingProtocol.Http,
        _ => HasPath(options.Endpoint) ? RemoteSamplingProtocol.Http : RemoteSamplingProtocol.Grpc,
    };

    /// <summary>The client that asks the endpoint in the protocol the options resolve to.</summary>
    public static IRemoteStrategyClient CreateClient(RemoteSamplerOptions options, string serviceName, TimeSpan requestTimeout) =>
        Resolve(options) == RemoteSamplingProtocol.Grpc
            ? new GrpcStrategyClient(options.Endpoint, serviceName, requestTimeout)
            : new HttpStrategyClient(options.Endpoint, serviceName);

    /// <summary>The protocol and the endpoint, for the start-up line: <c>grpc http://localhost:14250</c>.</summary>
    public static string Describe(RemoteSamplerOptions options) => $"{Name(Resolve(options))} {options.Endpoint}";

    /// <summary>The lower-case name of a protocol, as configured and logged.</summary>
    public static string Name(RemoteSamplingProtocol protocol) =>
        (uint)protocol < (uint)ProtocolNames.Length ? ProtocolNames[(int)protocol] : ((int)protocol).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when the URL names a path beyond the root (<c>/sampling</c>; not <c>""</c> or <c>/</c>).</summary>
    public static bool HasPath(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.AbsolutePath is not ("" or "/");
}

namespace Tracing.Sdk.Sampling;

/// <summary>
/// One way of asking a sampling endpoint for this service's strategy: HTTP/JSON
/// (<see cref="HttpStrategyClient"/>) or gRPC/protobuf (<see cref="JaegerGrpc.GrpcStrategyClient"/>).
/// The poller around it owns the schedule, the time bound, the counting and the logging, so both
/// behave alike.
/// </summary>
internal interface IRemoteStrategyClient : IDisposable
{
    /// <summary>How the answers are encoded, which decides how they are decoded.</summary>
    RemoteSamplingProtocol Protocol { get; }

    /// <summary>What is requested: the URL with the service's query, or the gRPC method's URL.</summary>
    Uri Uri { get; }

    /// <summary>
    /// Asks once. A transport failure throws (as <see cref="HttpClient"/> does, cancellation included) and a
    /// refusal by the server is returned as <see cref="StrategyFetch.Failure"/>; the poller counts both.
    /// </summary>
    Task<StrategyFetch> FetchAsync(CancellationToken cancellationToken);
}

using System.Diagnostics;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// What span metrics need of one ended span, sampled or not: its name, kind and status, the response
/// code where there is one, and its duration.
/// </summary>
internal readonly struct SpanOutcome(string name, ActivityKind kind, ActivityStatusCode status, int httpStatusCode, int grpcStatusCode, TimeSpan duration)
{
    public const int NoCode = -1;

    public string Name { get; } = name;

    public ActivityKind Kind { get; } = kind;

    public ActivityStatusCode Status { get; } = status;

    /// <summary><c>http.response.status_code</c>, or <see cref="NoCode"/>.</summary>
    public int HttpStatusCode { get; } = httpStatusCode;

    /// <summary><c>rpc.grpc.status_code</c>, or <see cref="NoCode"/>.</summary>
    public int GrpcStatusCode { get; } = grpcStatusCode;

    public TimeSpan Duration { get; } = duration;
}

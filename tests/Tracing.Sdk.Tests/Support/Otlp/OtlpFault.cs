using System.Globalization;

namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>One scripted misbehaviour of <see cref="OtlpReceiver"/> (see <see cref="OtlpFaultKind"/>).</summary>
public sealed record OtlpFault(OtlpFaultKind Kind, int Code = 0, TimeSpan? RetryDelay = null, string? RetryAfter = null, bool TrailersOnly = true, TimeSpan Duration = default)
{
    /// <summary>gRPC UNAVAILABLE (14), the collector's "try again".</summary>
    public static OtlpFault Unavailable => Grpc(14);

    /// <summary>A gRPC status; <paramref name="retryDelay"/> adds a <c>google.rpc.RetryInfo</c> to <c>grpc-status-details-bin</c>.</summary>
    public static OtlpFault Grpc(int code, TimeSpan? retryDelay = null, bool trailersOnly = true) =>
        new(OtlpFaultKind.GrpcStatus, code, retryDelay, TrailersOnly: trailersOnly);

    /// <summary>An HTTP status; <paramref name="retryAfter"/> is sent as the <c>Retry-After</c> header as is.</summary>
    public static OtlpFault Http(int status, string? retryAfter = null) => new(OtlpFaultKind.HttpStatus, status, RetryAfter: retryAfter);

    /// <summary>Holds the request for <paramref name="duration"/> (or until the client aborts it), then accepts it.</summary>
    public static OtlpFault Delay(TimeSpan duration) => new(OtlpFaultKind.Delay, Duration: duration);

    /// <summary>Aborts the connection once the request has arrived.</summary>
    public static OtlpFault CloseConnection => new(OtlpFaultKind.CloseConnection);

    public override string ToString() => Kind switch
    {
        OtlpFaultKind.GrpcStatus => string.Create(CultureInfo.InvariantCulture, $"grpc-status {Code}{(RetryDelay is { } d ? $" RetryInfo {d.TotalMilliseconds} ms" : string.Empty)}{(TrailersOnly ? string.Empty : " (trailers)")}"),
        OtlpFaultKind.HttpStatus => string.Create(CultureInfo.InvariantCulture, $"HTTP {Code}{(RetryAfter is { } r ? $" Retry-After: {r}" : string.Empty)}"),
        OtlpFaultKind.Delay => string.Create(CultureInfo.InvariantCulture, $"delay {Duration.TotalMilliseconds} ms"),
        _ => "close connection",
    };
}

using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Tracing.Sdk.Tests.Support.Otlp.Rpc;

namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>Builds <c>grpc-status-details-bin</c> values as gRPC servers send them.</summary>
public static class GrpcStatusDetails
{
    /// <summary>A google.rpc.Status of <paramref name="code"/> holding a RetryInfo of <paramref name="delay"/>, base64 without padding (as grpc-go sends it).</summary>
    public static string WithRetryInfo(int code, TimeSpan delay, string message = "throttled") =>
        Encode(new Status { Code = code, Message = message, Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }) } });

    /// <summary><paramref name="status"/> as the header value: base64, padding left out.</summary>
    public static string Encode(Status status) => Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
}

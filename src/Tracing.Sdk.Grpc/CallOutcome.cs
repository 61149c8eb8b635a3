using Grpc.Core;

namespace Tracing.Sdk.Grpc;

/// <summary>
/// The status a call ended with, as the client library reported it to the caller: the
/// <see cref="RpcException"/>'s status (its <c>DebugException</c>, the transport failure behind a
/// client-side status, is what gets recorded), a cancellation as CANCELLED, anything else thrown by a
/// call invoker as UNKNOWN ("errors raised by APIs that do not return enough error information",
/// statuscodes.md).
/// </summary>
internal readonly struct CallOutcome
{
    private const string CancelledMessage = "Cancelled";

    private CallOutcome(int code, string? message, Exception? recorded)
    {
        Code = code;
        Message = message;
        Recorded = recorded;
    }

    public int Code { get; }

    public string? Message { get; }

    /// <summary>The exception to record on the span, if the status came from one below gRPC.</summary>
    public Exception? Recorded { get; }

    public static CallOutcome Ok { get; } = new(GrpcStatusCodes.Ok, null, null);

    public static CallOutcome Cancelled(string message) => new(GrpcStatusCodes.Cancelled, message, null);

    public static CallOutcome From(Status status) =>
        new((int)status.StatusCode, status.Detail, status.DebugException);

    public static CallOutcome From(Exception exception) => exception switch
    {
        RpcException rpc => From(rpc.Status),
        OperationCanceledException => Cancelled(CancelledMessage),
        _ => new(GrpcStatusCodes.Unknown, exception.Message, exception),
    };
}

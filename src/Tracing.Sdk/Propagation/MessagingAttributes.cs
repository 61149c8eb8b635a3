namespace Tracing.Sdk.Propagation;

/// <summary>OpenTelemetry messaging semantic conventions (semconv <c>messaging.*</c>, stable names as of 1.27).</summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string DestinationName = "messaging.destination.name";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string MessageId = "messaging.message.id";
    public const string BatchMessageCount = "messaging.batch.message_count";

    /// <summary><c>messaging.operation.type</c> of a producer span: "one or more messages are provided for sending".</summary>
    public const string SendOperation = "send";

    /// <summary><c>messaging.operation.type</c> of a consumer span: "one or more messages are processed".</summary>
    public const string ProcessOperation = "process";
}

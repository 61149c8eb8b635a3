namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Field ids and enum values of the Jaeger IDL (jaeger-idl <c>thrift/agent.thrift</c> and
/// <c>thrift/jaeger.thrift</c>): what the agent's generated decoder expects, by number.
/// </summary>
internal static class JaegerIdl
{
    /// <summary><c>service Agent { oneway void emitBatch(1: jaeger.Batch batch) }</c>.</summary>
    public const string EmitBatch = "emitBatch";

    /// <summary>The one argument of <c>emitBatch</c>.</summary>
    public const short EmitBatchBatch = 1;

    // struct Batch
    public const short BatchProcess = 1;
    public const short BatchSpans = 2;
    public const short BatchSeqNo = 3;
    public const short BatchStats = 4;

    // struct ClientStats
    public const short StatsFullQueueDroppedSpans = 1;
    public const short StatsTooLargeDroppedSpans = 2;
    public const short StatsFailedToEmitSpans = 3;

    // struct Process
    public const short ProcessServiceName = 1;
    public const short ProcessTags = 2;

    // struct Span
    public const short SpanTraceIdLow = 1;
    public const short SpanTraceIdHigh = 2;
    public const short SpanSpanId = 3;
    public const short SpanParentSpanId = 4;
    public const short SpanOperationName = 5;
    public const short SpanReferences = 6;
    public const short SpanFlags = 7;
    public const short SpanStartTime = 8;
    public const short SpanDuration = 9;
    public const short SpanTags = 10;
    public const short SpanLogs = 11;

    // struct SpanRef
    public const short RefType = 1;
    public const short RefTraceIdLow = 2;
    public const short RefTraceIdHigh = 3;
    public const short RefSpanId = 4;

    // struct Log
    public const short LogTimestamp = 1;
    public const short LogFields = 2;

    // struct Tag
    public const short TagKey = 1;
    public const short TagVType = 2;
    public const short TagVStr = 3;
    public const short TagVDouble = 4;
    public const short TagVBool = 5;
    public const short TagVLong = 6;
    public const short TagVBinary = 7;

    // enum TagType { STRING, DOUBLE, BOOL, LONG, BINARY }
    public const int TagTypeString = 0;
    public const int TagTypeDouble = 1;
    public const int TagTypeBool = 2;
    public const int TagTypeLong = 3;
    public const int TagTypeBinary = 4;

    // enum SpanRefType { CHILD_OF, FOLLOWS_FROM }
    public const int RefTypeChildOf = 0;
    public const int RefTypeFollowsFrom = 1;

    // Span.flags: "1 signifies a SAMPLED span, 2 signifies a DEBUG span".
    public const int FlagSampled = 1;
    public const int FlagDebug = 2;
}

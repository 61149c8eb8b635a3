using System.Globalization;
using System.Text.Json.Serialization;

namespace Tracing.Sdk.Tests.Support.Jaeger;

/// <summary>
/// One datagram as the Node peer (<c>tests/peers/thrift/jaeger-agent.js</c>) decoded it with the npm
/// <c>thrift</c> package. i64 values arrive as signed decimal strings.
/// </summary>
public sealed class AgentDatagram
{
    public int N { get; set; }

    public int Size { get; set; }

    public string Protocol { get; set; } = "";

    public AgentMessage? Message { get; set; }

    public AgentBatch? Batch { get; set; }

    /// <summary>Bytes left after the call was read (0 when the framing is exact).</summary>
    public int? Trailing { get; set; }

    public string? Error { get; set; }

    [JsonPropertyName("$unknown")]
    public List<UnknownField>? Unknown { get; set; }

    /// <summary>The raw JSON line, for assertion messages.</summary>
    [JsonIgnore]
    public string Line { get; set; } = "";

    public IReadOnlyList<AgentSpan> Spans => Batch?.Spans ?? [];
}

public sealed class AgentMessage
{
    public string Name { get; set; } = "";

    public int Type { get; set; }

    public int Seqid { get; set; }
}

public sealed class AgentBatch
{
    public AgentProcess? Process { get; set; }

    public List<AgentSpan> Spans { get; set; } = [];

    public string? SeqNo { get; set; }

    public AgentStats? Stats { get; set; }
}

public sealed class AgentProcess
{
    public string ServiceName { get; set; } = "";

    public List<AgentTag>? Tags { get; set; }

    public AgentTag Tag(string key) => Assert.Single(Tags ?? [], t => t.Key == key);
}

public sealed class AgentStats
{
    public string FullQueueDroppedSpans { get; set; } = "";

    public string TooLargeDroppedSpans { get; set; } = "";

    public string FailedToEmitSpans { get; set; } = "";

    public long FullQueueDropped => long.Parse(FullQueueDroppedSpans, CultureInfo.InvariantCulture);

    public long TooLargeDropped => long.Parse(TooLargeDroppedSpans, CultureInfo.InvariantCulture);

    public long FailedToEmit => long.Parse(FailedToEmitSpans, CultureInfo.InvariantCulture);
}

public sealed class AgentSpan
{
    public string TraceIdLow { get; set; } = "";

    public string TraceIdHigh { get; set; } = "";

    public string SpanId { get; set; } = "";

    public string ParentSpanId { get; set; } = "";

    public string OperationName { get; set; } = "";

    public List<AgentSpanRef>? References { get; set; }

    public int Flags { get; set; }

    public string StartTime { get; set; } = "";

    public string Duration { get; set; } = "";

    public List<AgentTag>? Tags { get; set; }

    public List<AgentLog>? Logs { get; set; }

    /// <summary>The 128-bit trace id rebuilt from the two halves, as W3C hex.</summary>
    public string TraceIdHex => Hex(TraceIdHigh) + Hex(TraceIdLow);

    public string SpanIdHex => Hex(SpanId);

    public AgentTag Tag(string key) => Assert.Single(Tags ?? [], t => t.Key == key);

    public bool HasTag(string key) => Tags?.Any(t => t.Key == key) == true;

    public static string Hex(string signedDecimal) =>
        unchecked((ulong)long.Parse(signedDecimal, CultureInfo.InvariantCulture)).ToString("x16", CultureInfo.InvariantCulture);
}

public sealed class AgentSpanRef
{
    public int RefType { get; set; }

    public string TraceIdLow { get; set; } = "";

    public string TraceIdHigh { get; set; } = "";

    public string SpanId { get; set; } = "";
}

public sealed class AgentLog
{
    public string Timestamp { get; set; } = "";

    public List<AgentTag> Fields { get; set; } = [];

    public AgentTag Field(string key) => Assert.Single(Fields, t => t.Key == key);
}

public sealed class AgentTag
{
    public string Key { get; set; } = "";

    public int VType { get; set; }

    public string? VStr { get; set; }

    public double? VDouble { get; set; }

    public bool? VBool { get; set; }

    public string? VLong { get; set; }

    public string? VBinary { get; set; }

    public long LongValue => long.Parse(VLong!, CultureInfo.InvariantCulture);

    public byte[] BinaryValue => Convert.FromBase64String(VBinary!);
}

public sealed class UnknownField
{
    public int Id { get; set; }

    public int Type { get; set; }
}

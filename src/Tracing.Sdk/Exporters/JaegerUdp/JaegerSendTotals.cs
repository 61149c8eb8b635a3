namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>Running totals of what the datagram assembler did with the spans it was given.</summary>
internal readonly record struct JaegerSendTotals(
    long SpansSent,
    long SpansFailed,
    long SpansTooLarge,
    long SpansUnencodable,
    long SpansTruncated,
    long DatagramsSent,
    long DatagramsFailed);

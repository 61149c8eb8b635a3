namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>One data point of one metric as an OTLP metrics export carried it, flattened.</summary>
public sealed record ReceivedMetricPoint(
    string Protocol,
    string Name,
    string Unit,
    string Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyDictionary<string, object?> Resource,
    long? IntValue,
    ulong Count,
    IReadOnlyList<double> Bounds,
    IReadOnlyList<ulong> BucketCounts,
    IReadOnlyList<ReceivedExemplar> Exemplars,
    ulong TimeUnixNano)
{
    public object? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;
}

/// <summary>An exemplar of a data point: the span it came from and the measured value.</summary>
public sealed record ReceivedExemplar(string TraceId, string SpanId, double Value);

using System.Diagnostics;

namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>A span as the test OTLP receiver decoded it, flattened with its resource and scope.</summary>
public sealed record ReceivedSpan(
    string Protocol,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    ActivityKind Kind,
    ulong StartTimeUnixNano,
    ulong EndTimeUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyDictionary<string, object?> Resource,
    string ScopeName,
    ActivityStatusCode Status,
    string StatusMessage,
    IReadOnlyList<ReceivedEvent> Events,
    IReadOnlyList<ReceivedLink> Links,
    string TraceState,
    uint Flags)
{
    public string ServiceName => Resource.TryGetValue("service.name", out var name) ? name as string ?? string.Empty : string.Empty;

    public object? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;
}

public sealed record ReceivedEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);

public sealed record ReceivedLink(string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes);

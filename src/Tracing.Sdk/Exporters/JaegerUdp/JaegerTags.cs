namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>Tag names the exporter adds to what the spans carry.</summary>
internal static class JaegerTags
{
    /// <summary>OpenTelemetry-to-Jaeger mapping, SpanKind: every kind but INTERNAL becomes this tag.</summary>
    public const string SpanKind = "span.kind";

    /// <summary>Mapping to non-OTLP formats, Span Status: "OK" or "ERROR", absent when UNSET.</summary>
    public const string StatusCode = "otel.status_code";

    /// <summary>Mapping to non-OTLP formats, Span Status: the description, when there is one.</summary>
    public const string StatusDescription = "otel.status_description";

    /// <summary>OpenTelemetry-to-Jaeger mapping, Error flag: <c>true</c> when the status is ERROR (OpenTracing's <c>error</c> tag).</summary>
    public const string Error = "error";

    /// <summary>Mapping to non-OTLP formats, InstrumentationScope.</summary>
    public const string ScopeName = "otel.scope.name";

    public const string ScopeVersion = "otel.scope.version";

    /// <summary>Deprecated aliases that the same section requires too, for older backends.</summary>
    public const string LibraryName = "otel.library.name";

    public const string LibraryVersion = "otel.library.version";

    /// <summary>Mapping to non-OTLP formats, Dropped Events Count: events left out to fit a datagram.</summary>
    public const string DroppedEventsCount = "otel.dropped_events_count";

    /// <summary>Set on a span whose long string/binary values were cut (each cut string ends with "…") to fit a datagram.</summary>
    public const string Truncated = "tracing.sdk.truncated";

    /// <summary>OpenTelemetry-to-Jaeger mapping, Events: the event name goes in the log as this field.</summary>
    public const string LogEvent = "event";

    /// <summary>Status given as an attribute (OpenTelemetry .NET honours it when the Activity's own status is unset).</summary>
    public const string StatusErrorValue = "ERROR";

    public const string StatusOkValue = "OK";

    /// <summary>Jaeger clients' process tag naming the client: the agent keys <c>seqNo</c> and <c>ClientStats</c> on it.</summary>
    public const string ClientUuid = "client-uuid";
}

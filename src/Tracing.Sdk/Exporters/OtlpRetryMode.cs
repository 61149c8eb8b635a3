namespace Tracing.Sdk.Exporters;

/// <summary>
/// What the OTLP exporter does with an export that failed for a reason the OTLP specification calls
/// transient (<c>Tracing:Otlp:Retry</c>; bound case-insensitively: <c>none</c> or <c>memory</c>).
/// </summary>
public enum OtlpRetryMode
{
    /// <summary>No retry: the spans of a failed export are dropped at once and counted (<c>export_failed</c>).</summary>
    None,

    /// <summary>
    /// The default. The same request is sent again, after an exponential backoff with jitter or the
    /// delay the collector asked for (<c>Retry-After</c>, gRPC <c>RetryInfo</c>), as long as the export's
    /// time budget (<see cref="OtlpOptions.TimeoutMilliseconds"/>, at most <see cref="BatchOptions.ExportTimeoutMilliseconds"/>)
    /// allows; the request is held in memory meanwhile, on the exporter's own thread.
    /// </summary>
    Memory,
}

namespace Tracing.Sdk.Metrics;

/// <summary>
/// Span metrics (<c>Tracing:Metrics</c>): a call counter and a duration histogram per operation, counted
/// from every span of the chosen kinds before sampling, with the names, units, buckets and dimensions of
/// the OpenTelemetry Collector's <c>spanmetrics</c> connector.
/// </summary>
public sealed class SpanMetricsOptions
{
    /// <summary>
    /// Whether span metrics are counted. Default <see langword="false"/>: the metric names are the
    /// Collector connector's, so turning them on is a choice made instead of that connector, not beside it.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where the metrics go besides the app's own OpenTelemetry metrics pipeline: <c>otlp</c> (the
    /// <c>Tracing:Otlp</c> settings), <c>prometheus</c> (a scrape endpoint; needs the
    /// <c>Tracing.Sdk.Prometheus</c> package) or <c>none</c>. Default: <c>OTEL_METRICS_EXPORTER</c>, else <c>otlp</c>.
    /// </summary>
    public IList<string>? Exporters { get; set; }

    /// <summary>
    /// Milliseconds between two OTLP metric exports. Default: <c>OTEL_METRIC_EXPORT_INTERVAL</c>, else
    /// 60000 (the OpenTelemetry default and the connector's flush interval). Range 100..86400000.
    /// </summary>
    public int? ExportIntervalMilliseconds { get; set; }

    /// <summary>
    /// The span kinds counted: <c>server</c>, <c>client</c>, <c>producer</c>, <c>consumer</c>,
    /// <c>internal</c>. Default: <c>server, client, producer, consumer</c>.
    /// </summary>
    public IList<string>? SpanKinds { get; set; }

    /// <summary>
    /// Dimensions added to the connector's four (<c>service.name</c>, <c>span.name</c>, <c>span.kind</c>,
    /// <c>status.code</c>) where the span has them: <c>http.response.status_code</c>,
    /// <c>rpc.grpc.status_code</c>. Default: both; <c>none</c> (or an empty list in code) keeps the four alone.
    /// </summary>
    public IList<string>? Dimensions { get; set; }

    /// <summary>
    /// Upper bounds of the duration histogram's buckets, in milliseconds, ascending. Default: the
    /// connector's 2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000.
    /// </summary>
    public IList<double>? HistogramBuckets { get; set; }

    /// <summary>
    /// Most series (distinct dimension sets) per instrument; spans beyond them are counted in one
    /// overflow series (<c>otel.metric.overflow=true</c>) and in <c>tracing.sdk.span_metrics.overflow</c>.
    /// Default 1000 (the connector's dimension cache); range 1..100000.
    /// </summary>
    public int MaxSeries { get; set; } = 1000;

    /// <summary>
    /// Whether histogram buckets carry exemplars (trace and span id of a sampled span that fell in them):
    /// the metrics pipeline's exemplar filter is set to <c>trace_based</c> unless
    /// <c>OTEL_METRICS_EXEMPLAR_FILTER</c> says otherwise. Default <see langword="true"/>.
    /// </summary>
    public bool Exemplars { get; set; } = true;

    /// <summary>The path of the Prometheus scrape endpoint (exporter <c>prometheus</c>). Default <c>/metrics</c>.</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>The list <c>OTEL_METRICS_EXPORTER</c> gave, to name the variable when its value is the one in force.</summary>
    internal IList<string>? EnvironmentExporters { get; set; }

    /// <summary>Why <c>OTEL_METRIC_EXPORT_INTERVAL</c> could not be used, reported if nothing overrides it.</summary>
    internal string? EnvironmentIntervalError { get; set; }
}

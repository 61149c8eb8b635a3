using System.Diagnostics;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// The names span metrics are published under, chosen to be the OpenTelemetry Collector
/// <c>spanmetrics</c> connector's (connector/spanmetricsconnector: default namespace
/// <c>traces.span.metrics</c>, metrics <c>calls</c> and <c>duration</c>, unit <c>ms</c>, dimension keys and
/// the <c>SPAN_KIND_*</c> / <c>STATUS_CODE_*</c> values of its <c>traceutil</c> helpers), so that dashboards
/// and Jaeger's Monitor tab that query the connector's series read these unchanged.
/// </summary>
internal static class SpanMetricNames
{
    public const string MeterName = "Tracing.Sdk.SpanMetrics";

    public const string Calls = "traces.span.metrics.calls";
    public const string Duration = "traces.span.metrics.duration";
    public const string DurationUnit = "ms";

    /// <summary>Counter on the SDK's own <c>Tracing.Sdk</c> meter: spans counted in the overflow series.</summary>
    public const string Overflow = "tracing.sdk.span_metrics.overflow";

    public const string ServiceName = "service.name";
    public const string SpanName = "span.name";
    public const string SpanKind = "span.kind";
    public const string StatusCode = "status.code";

    /// <summary>The OpenTelemetry metrics SDK's mark of the series that collects what exceeds the cardinality limit.</summary>
    public const string OverflowAttribute = "otel.metric.overflow";

    public const string HttpResponseStatusCode = Conventions.SemanticConventions.HttpResponseStatusCode;
    public const string RpcGrpcStatusCode = Conventions.SemanticConventions.RpcGrpcStatusCode;

    /// <summary>The connector's default explicit buckets, in milliseconds.</summary>
    public static readonly double[] DefaultBuckets = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000];

    public static readonly string[] DefaultSpanKinds = ["server", "client", "producer", "consumer"];

    public static readonly string[] AllSpanKinds = ["server", "client", "producer", "consumer", "internal"];

    public static readonly string[] DefaultDimensions = [HttpResponseStatusCode, RpcGrpcStatusCode];

    public static readonly string[] AllDimensions = [HttpResponseStatusCode, RpcGrpcStatusCode, "none"];

    public static readonly string[] AllExporters = ["otlp", "prometheus", "none"];

    public static string KindValue(ActivityKind kind) => kind switch
    {
        ActivityKind.Server => "SPAN_KIND_SERVER",
        ActivityKind.Client => "SPAN_KIND_CLIENT",
        ActivityKind.Producer => "SPAN_KIND_PRODUCER",
        ActivityKind.Consumer => "SPAN_KIND_CONSUMER",
        _ => "SPAN_KIND_INTERNAL",
    };

    public static string StatusValue(ActivityStatusCode status) => status switch
    {
        ActivityStatusCode.Ok => "STATUS_CODE_OK",
        ActivityStatusCode.Error => "STATUS_CODE_ERROR",
        _ => "STATUS_CODE_UNSET",
    };

    public static ActivityKind? ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "server" => ActivityKind.Server,
        "client" => ActivityKind.Client,
        "producer" => ActivityKind.Producer,
        "consumer" => ActivityKind.Consumer,
        "internal" => ActivityKind.Internal,
        _ => null,
    };
}

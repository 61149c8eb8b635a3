using System.Diagnostics;

namespace Tracing.Sdk.Metrics;

/// <summary>Span metrics options resolved once, at start, into what the hot path reads.</summary>
internal sealed class SpanMetricsSettings
{
    private readonly int _kinds;

    private SpanMetricsSettings(SpanMetricsOptions options)
    {
        foreach (var name in options.SpanKinds ?? SpanMetricNames.DefaultSpanKinds)
        {
            if (SpanMetricNames.ParseKind(name) is { } kind)
            {
                _kinds |= 1 << (int)kind;
            }
        }

        var dimensions = options.Dimensions ?? SpanMetricNames.DefaultDimensions;
        HttpStatusDimension = dimensions.Contains(SpanMetricNames.HttpResponseStatusCode, StringComparer.OrdinalIgnoreCase);
        GrpcStatusDimension = dimensions.Contains(SpanMetricNames.RpcGrpcStatusCode, StringComparer.OrdinalIgnoreCase);
        Buckets = [.. options.HistogramBuckets ?? SpanMetricNames.DefaultBuckets];
        MaxSeries = options.MaxSeries;
        Exemplars = options.Exemplars;
        Exporters = new HashSet<string>(
            (options.Exporters ?? ["otlp"]).Select(static n => n.Trim().ToLowerInvariant()).Where(static n => n is not ("none" or "")),
            StringComparer.Ordinal);
        ExportIntervalMilliseconds = options.ExportIntervalMilliseconds ?? 60_000;
        PrometheusPath = options.PrometheusPath;
    }

    public bool HttpStatusDimension { get; }

    public bool GrpcStatusDimension { get; }

    public double[] Buckets { get; }

    public int MaxSeries { get; }

    public bool Exemplars { get; }

    public IReadOnlySet<string> Exporters { get; }

    public int ExportIntervalMilliseconds { get; }

    public string PrometheusPath { get; }

    /// <summary>The settings when span metrics are on (and tracing with them), else <see langword="null"/>.</summary>
    public static SpanMetricsSettings? From(TracingOptions options) =>
        options.Enabled && options.Metrics.Enabled ? new SpanMetricsSettings(options.Metrics) : null;

    public bool Counts(ActivityKind kind) => (_kinds & (1 << (int)kind)) != 0;
}

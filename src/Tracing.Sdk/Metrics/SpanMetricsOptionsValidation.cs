using Tracing.Sdk.Hosting;

namespace Tracing.Sdk.Metrics;

/// <summary>Checks <see cref="SpanMetricsOptions"/> (only when span metrics are on), each problem naming its key and value.</summary>
internal static class SpanMetricsOptionsValidation
{
    public const int MaxSeriesLimit = 100_000;

    /// <param name="options">The options after every layer and the defaults.</param>
    /// <param name="key">The section key, <c>Tracing:Metrics</c>.</param>
    /// <param name="prometheusAvailable">Whether the <c>Tracing.Sdk.Prometheus</c> package is registered.</param>
    /// <param name="errors">Where problems go.</param>
    public static void Validate(SpanMetricsOptions options, string key, bool prometheusAvailable, ICollection<string> errors)
    {
        if (!options.Enabled)
        {
            return;
        }

        var exporters = options.Exporters;
        if (exporters is not null && ReferenceEquals(exporters, options.EnvironmentExporters))
        {
            foreach (var name in exporters.Where(n => !SpanMetricNames.AllExporters.Contains(n, StringComparer.OrdinalIgnoreCase)))
            {
                errors.Add($"{SpanMetricsEnvironment.MetricsExporter}='{string.Join(",", exporters)}' names '{name}', which span metrics cannot export to: use one of {string.Join(", ", SpanMetricNames.AllExporters)} (or set {key}:Exporters).");
            }
        }
        else
        {
            OptionChecks.NameList(exporters, SpanMetricNames.AllExporters, "none", $"{key}:Exporters", errors);
        }

        if (!prometheusAvailable && exporters is not null && exporters.Any(static n => string.Equals(n?.Trim(), "prometheus", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{key}:Exporters names 'prometheus', which needs the Tracing.Sdk.Prometheus package: add it to the app (an ASP.NET Core app), or export by otlp.");
        }

        if (options.ExportIntervalMilliseconds is { } interval)
        {
            OptionChecks.InRange(interval, 100, 86_400_000, $"{key}:ExportIntervalMilliseconds", errors);
        }
        else if (options.EnvironmentIntervalError is { } intervalError)
        {
            errors.Add(intervalError);
        }

        var kinds = options.SpanKinds ?? [];
        for (var i = 0; i < kinds.Count; i++)
        {
            OptionChecks.OneOf(kinds[i], SpanMetricNames.AllSpanKinds, $"{key}:SpanKinds:{i}", errors);
        }

        if (options.SpanKinds is { Count: 0 })
        {
            errors.Add($"{key}:SpanKinds is empty: name at least one of {string.Join(", ", SpanMetricNames.AllSpanKinds)}.");
        }

        OptionChecks.NameList(options.Dimensions, SpanMetricNames.AllDimensions, "none", $"{key}:Dimensions", errors);

        if (options.HistogramBuckets is { } buckets)
        {
            if (buckets.Count == 0)
            {
                errors.Add($"{key}:HistogramBuckets is empty: give at least one bucket bound in milliseconds.");
            }

            for (var i = 0; i < buckets.Count; i++)
            {
                if (!double.IsFinite(buckets[i]) || buckets[i] <= 0)
                {
                    errors.Add($"{key}:HistogramBuckets:{i}={OptionChecks.Format(buckets[i])} is out of range: it must be a finite number of milliseconds > 0.");
                }
                else if (i > 0 && !(buckets[i] > buckets[i - 1]))
                {
                    errors.Add($"{key}:HistogramBuckets:{i}={OptionChecks.Format(buckets[i])} is not greater than the bound before it ({OptionChecks.Format(buckets[i - 1])}): bounds must ascend.");
                }
            }
        }

        OptionChecks.InRange(options.MaxSeries, 1, MaxSeriesLimit, $"{key}:MaxSeries", errors);

        if (string.IsNullOrWhiteSpace(options.PrometheusPath) || !options.PrometheusPath.StartsWith('/'))
        {
            errors.Add($"{key}:PrometheusPath='{options.PrometheusPath}' is not a path starting with '/'.");
        }
    }
}

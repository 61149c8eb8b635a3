using Tracing.Sdk.Tests.Support.Otlp.Collector;
using Tracing.Sdk.Tests.Support.Otlp.Common;
using Tracing.Sdk.Tests.Support.Otlp.Metrics;

namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>Turns a decoded ExportMetricsServiceRequest into flat <see cref="ReceivedMetricPoint"/>s (sums and histograms).</summary>
public static class OtlpMetricsDecoder
{
    public static List<ReceivedMetricPoint> Decode(ExportMetricsServiceRequest request, string protocol)
    {
        var points = new List<ReceivedMetricPoint>();
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = ToDictionary(resourceMetrics.Resource?.Attributes);
            foreach (var metric in resourceMetrics.ScopeMetrics.SelectMany(static s => s.Metrics))
            {
                if (metric.DataCase == Metric.DataOneofCase.Sum)
                {
                    points.AddRange(metric.Sum.DataPoints.Select(p => new ReceivedMetricPoint(
                        protocol, metric.Name, metric.Unit, "sum", ToDictionary(p.Attributes), resource,
                        p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : (long)p.AsDouble,
                        0, [], [], Exemplars(p.Exemplars), p.TimeUnixNano)));
                }
                else if (metric.DataCase == Metric.DataOneofCase.Histogram)
                {
                    points.AddRange(metric.Histogram.DataPoints.Select(p => new ReceivedMetricPoint(
                        protocol, metric.Name, metric.Unit, "histogram", ToDictionary(p.Attributes), resource,
                        null, p.Count, [.. p.ExplicitBounds], [.. p.BucketCounts], Exemplars(p.Exemplars), p.TimeUnixNano)));
                }
            }
        }

        return points;
    }

    private static List<ReceivedExemplar> Exemplars(IEnumerable<Exemplar> exemplars) =>
        [.. exemplars.Select(static e => new ReceivedExemplar(
            OtlpDecoder.Hex(e.TraceId),
            OtlpDecoder.Hex(e.SpanId),
            e.ValueCase == Exemplar.ValueOneofCase.AsInt ? e.AsInt : e.AsDouble))];

    private static Dictionary<string, object?> ToDictionary(IEnumerable<KeyValue>? attributes)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in attributes ?? [])
        {
            result[attribute.Key] = attribute.Value?.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => attribute.Value.StringValue,
                AnyValue.ValueOneofCase.BoolValue => attribute.Value.BoolValue,
                AnyValue.ValueOneofCase.IntValue => attribute.Value.IntValue,
                AnyValue.ValueOneofCase.DoubleValue => attribute.Value.DoubleValue,
                _ => null,
            };
        }

        return result;
    }
}

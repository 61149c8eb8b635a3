using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Metrics;

/// <summary>The recorder alone: series, the cap under concurrency, and exemplars only from the sampled span measured.</summary>
public sealed class SpanMetricsRecorderTests
{
    [Fact]
    public void Record_CountsEachSpanInTheSeriesOfItsDimensions()
    {
        using var meters = new Meters();
        var recorder = meters.Recorder();
        using var span = new Activity("x").Start();

        recorder.Record(span, Outcome("GET /a", ActivityKind.Server, ActivityStatusCode.Unset, 200));
        recorder.Record(span, Outcome("GET /a", ActivityKind.Server, ActivityStatusCode.Unset, 200));
        recorder.Record(span, Outcome("GET /a", ActivityKind.Server, ActivityStatusCode.Error, 500));
        recorder.Record(span, Outcome("GET /a", ActivityKind.Client, ActivityStatusCode.Unset, 200));

        var series = recorder.Snapshot().ToDictionary(s => string.Join("|", s.Tags.Select(t => $"{t.Key}={t.Value}")), s => s.Calls);
        Assert.Equal(3, series.Count);
        Assert.Equal(2, series[$"service.name={meters.Service}|span.name=GET /a|span.kind=SPAN_KIND_SERVER|status.code=STATUS_CODE_UNSET|http.response.status_code=200"]);
        Assert.Equal(1, series[$"service.name={meters.Service}|span.name=GET /a|span.kind=SPAN_KIND_SERVER|status.code=STATUS_CODE_ERROR|http.response.status_code=500"]);
        Assert.Equal(1, series[$"service.name={meters.Service}|span.name=GET /a|span.kind=SPAN_KIND_CLIENT|status.code=STATUS_CODE_UNSET|http.response.status_code=200"]);
    }

    [Fact]
    public void Dimensions_LeftOut_MergeTheSeries()
    {
        using var meters = new Meters();
        var recorder = meters.Recorder(o => o.Dimensions = []);
        using var span = new Activity("x").Start();

        recorder.Record(span, Outcome("GET /a", ActivityKind.Server, ActivityStatusCode.Unset, 200));
        recorder.Record(span, Outcome("GET /a", ActivityKind.Server, ActivityStatusCode.Unset, 404));

        var only = Assert.Single(recorder.Snapshot());
        Assert.Equal(2, only.Calls);
        Assert.Equal(4, only.Tags.Length);
    }

    [Fact]
    public async Task ConcurrentNewSeries_StopExactlyAtTheCap_AndEveryOtherSpanIsCountedInTheOverflow()
    {
        using var meters = new Meters();
        var recorder = meters.Recorder(o => o.MaxSeries = 100);
        const int Threads = 8;
        const int PerThread = 2000;

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            using var span = new Activity("x").Start();
            for (var i = 0; i < PerThread; i++)
            {
                // Half the names are shared across threads, half each thread's own.
                recorder.Record(span, Outcome(i % 2 == 0 ? $"shared {i}" : $"own {t} {i}", ActivityKind.Client, ActivityStatusCode.Unset, 200));
            }
        })));

        Assert.Equal(100, recorder.SeriesCount);
        var snapshot = recorder.Snapshot().ToList();
        Assert.Equal(101, snapshot.Count);
        Assert.Equal(Threads * PerThread, snapshot.Sum(s => s.Calls));
        var overflow = snapshot.Single(s => s.Tags.Any(t => t.Key == "otel.metric.overflow" && t.Value is true));
        Assert.Equal(overflow.Calls, recorder.Overflowed);
    }

    [Fact]
    public void Exemplars_NameOnlyTheSampledSpanThatWasMeasured()
    {
        using var meters = new Meters(exporting: true);
        var recorder = meters.Recorder();

        using (var sampled = new Activity("sampled").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            sampled.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            recorder.Record(sampled, Outcome("op", ActivityKind.Server, ActivityStatusCode.Unset, 200, milliseconds: 3));
            meters.Sampled = sampled.TraceId.ToHexString();

            // An unsampled span ending off its own flow, while the sampled one is current: no exemplar at all.
            var unsampled = new Activity("unsampled").SetIdFormat(ActivityIdFormat.W3C).SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
            recorder.Record(unsampled, Outcome("op", ActivityKind.Server, ActivityStatusCode.Unset, 200, milliseconds: 300));
            Assert.Same(sampled, Activity.Current);
        }

        // An unsampled span that is current: no exemplar either.
        using (var unsampledCurrent = new Activity("unsampled current").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            recorder.Record(unsampledCurrent, Outcome("op", ActivityKind.Server, ActivityStatusCode.Unset, 200, milliseconds: 3000));
        }

        var exemplars = meters.Exemplars();
        var only = Assert.Single(exemplars);
        Assert.Equal(meters.Sampled, only.TraceId);
        Assert.Equal(3, only.Value);
        Assert.Equal(3u, meters.HistogramCount());
    }

    private static SpanOutcome Outcome(string name, ActivityKind kind, ActivityStatusCode status, int code, double milliseconds = 1) =>
        new(name, kind, status, code, SpanOutcome.NoCode, TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>A span metrics meter of its own (unique service name), optionally collected by an OpenTelemetry MeterProvider with trace-based exemplars.</summary>
    private sealed class Meters : IDisposable
    {
        private readonly Meter _meter = new(SpanMetricNames.MeterName);
        private readonly Meter _diagnostics = new("Tracing.Sdk.Tests.Diagnostics");
        private readonly MeterProvider? _provider;
        private readonly CollectingExporter _exporter = new();

        public Meters(bool exporting = false)
        {
            if (exporting)
            {
                _provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
                    .AddMeter(SpanMetricNames.MeterName)
                    .SetExemplarFilter(ExemplarFilterType.TraceBased)
                    .AddReader(new BaseExportingMetricReader(_exporter))
                    .Build();
            }
        }

        public string Service { get; } = "recorder-" + Guid.NewGuid().ToString("N")[..8];

        public string? Sampled { get; set; }

        public SpanMetricsRecorder Recorder(Action<SpanMetricsOptions>? configure = null)
        {
            var options = OptionsHarness.Resolve(code: o =>
            {
                o.ServiceName = Service;
                o.Metrics.Enabled = true;
                configure?.Invoke(o.Metrics);
            });
            return new SpanMetricsRecorder(SpanMetricsSettings.From(options)!, Service, _meter, _diagnostics);
        }

        public List<(string TraceId, double Value)> Exemplars()
        {
            _provider!.ForceFlush();
            return [.. _exporter.Points(Service).SelectMany(static p => p.Exemplars)];
        }

        public ulong HistogramCount() => (ulong)_exporter.Points(Service).Sum(static p => p.Count);

        public void Dispose()
        {
            _provider?.Dispose();
            _meter.Dispose();
            _diagnostics.Dispose();
        }
    }

    /// <summary>The duration histogram's points of the last export, read while the export runs.</summary>
    private sealed class CollectingExporter : BaseExporter<Metric>
    {
        private readonly List<(string? Service, long Count, List<(string, double)> Exemplars)> _points = [];

        public List<(string? Service, long Count, List<(string, double)> Exemplars)> Points(string service)
        {
            lock (_points)
            {
                return [.. _points.Where(p => p.Service == service)];
            }
        }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            lock (_points)
            {
                _points.Clear();
                foreach (var metric in batch)
                {
                    if (metric.Name != SpanMetricNames.Duration)
                    {
                        continue;
                    }

                    foreach (ref readonly var point in metric.GetMetricPoints())
                    {
                        string? service = null;
                        foreach (var tag in point.Tags)
                        {
                            service = tag.Key == "service.name" ? tag.Value as string : service;
                        }

                        var exemplars = new List<(string, double)>();
                        if (point.TryGetExemplars(out var collection))
                        {
                            foreach (ref readonly var exemplar in collection)
                            {
                                exemplars.Add((exemplar.TraceId.ToHexString(), exemplar.DoubleValue));
                            }
                        }

                        _points.Add((service, point.GetHistogramCount(), exemplars));
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}

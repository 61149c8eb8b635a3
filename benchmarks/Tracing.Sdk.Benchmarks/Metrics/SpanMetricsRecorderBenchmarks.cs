using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Tracing.Sdk.Metrics;

namespace Tracing.Sdk.Benchmarks.Metrics;

/// <summary>
/// The counting alone, per span: the series found (cached route name), the call counted, the duration
/// recorded while the span is current. <c>Reader=none</c>: nothing collects the meter (the SDK's own
/// cost); <c>OpenTelemetry</c>: an OpenTelemetry MeterProvider aggregates the histogram with
/// trace-based exemplars (what exporting the metrics adds).
/// </summary>
[MemoryDiagnoser]
public class SpanMetricsRecorderBenchmarks
{
    private Meter _meter = null!;
    private Meter _diagnostics = null!;
    private MeterProvider? _provider;
    private SpanMetricsRecorder _recorder = null!;
    private Activity _span = null!;
    private SpanOutcome _outcome;

    [Params("none", "OpenTelemetry")]
    public string Reader { get; set; } = "none";

    [Params(false, true)]
    public bool Sampled { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddTracing(o =>
        {
            o.ServiceName = "bench";
            o.Metrics.Enabled = true;
        });
        using var provider = services.BuildServiceProvider();
        var settings = SpanMetricsSettings.From(provider.GetRequiredService<IOptions<TracingOptions>>().Value)!;

        _meter = new Meter(SpanMetricNames.MeterName);
        _diagnostics = new Meter("Bench.Diagnostics");
        if (Reader == "OpenTelemetry")
        {
            _provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
                .AddMeter(SpanMetricNames.MeterName)
                .SetExemplarFilter(ExemplarFilterType.TraceBased)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
                .Build();
        }

        _recorder = new SpanMetricsRecorder(settings, "bench", _meter, _diagnostics);
        _span = new Activity("GET /orders/{id:int}").SetIdFormat(ActivityIdFormat.W3C).Start();
        _span.ActivityTraceFlags = Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        _outcome = new SpanOutcome("GET /orders/{id:int}", ActivityKind.Server, ActivityStatusCode.Unset, 200, SpanOutcome.NoCode, TimeSpan.FromMilliseconds(3.2));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _span.Stop();
        _provider?.Dispose();
        _meter.Dispose();
        _diagnostics.Dispose();
    }

    [Benchmark]
    public void Record()
    {
        // The span is current while it is measured, as at hosting's and HttpClient's stop events.
        if (!ReferenceEquals(Activity.Current, _span))
        {
            Activity.Current = _span;
        }

        _recorder.Record(_span, _outcome);
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

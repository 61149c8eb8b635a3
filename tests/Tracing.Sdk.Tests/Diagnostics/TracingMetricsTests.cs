using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Tests.Hosting;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Diagnostics;

/// <summary>
/// The SDK's own instruments, as an operator's metrics pipeline sees them, count exactly: every span
/// given to an exporter is received once and then exported or dropped once, for one reason.
/// </summary>
[Collection(Tracing.Sdk.Tests.Exporters.ExportAccountingIsolation.Name)]
public sealed class TracingMetricsTests
{
    [Fact]
    public async Task ExportedSpans_AreCountedExactly_BySuccess()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Metrics.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
        });
        using var instruments = new Instruments(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();
        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 5; i++)
        {
            source.StartActivity("op")?.Dispose();
        }

        await host.StopAsync();

        Assert.Equal(5, instruments.Exported("otlp", "success"));
        Assert.Equal(0, instruments.Exported("otlp", "failure"));
        Assert.Equal(5, instruments.Received("otlp"));
        Assert.Empty(instruments.Dropped.GetMeasurementSnapshot());
        Assert.Equal(5, receiver.Spans.Count(s => s.ScopeName == sourceName));
    }

    [Fact]
    public async Task FailedExport_IsOneFailure_DroppedAsExportFailed_AfterItsRetries()
    {
        var sourceName = $"Metrics.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = "http://127.0.0.1:9",
            ["Tracing:Otlp:Protocol"] = "http/protobuf",
            ["Tracing:Otlp:TimeoutMilliseconds"] = "1000",
        });
        using var instruments = new Instruments(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();
        new ActivitySource(sourceName).StartActivity("op")?.Dispose();
        await host.StopAsync();

        Assert.Equal(1, instruments.Exported("otlp", "failure"));
        Assert.Equal(0, instruments.Exported("otlp", "success"));
        Assert.Equal(1, instruments.DroppedFor("otlp", "export_failed"));
        Assert.Equal(1, instruments.Dropped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, instruments.Received("otlp"));

        // Nothing listens on the discard port: each attempt is refused, and retried while the second lasts.
        var retries = instruments.Retries.GetMeasurementSnapshot();
        Assert.NotEmpty(retries);
        Assert.All(retries, m => Assert.Equal("connection_error", m.Tags["reason"]));
    }

    [Fact]
    public async Task EverySpanOfABurst_IsReceivedOnce_AndExportedOrDroppedOnce_ByReason()
    {
        var sourceName = $"Metrics.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = "http://127.0.0.1:9",
            ["Tracing:Otlp:TimeoutMilliseconds"] = "1000",
            ["Tracing:Batch:MaxQueueSize"] = "10",
            ["Tracing:Batch:MaxExportBatchSize"] = "10",
            ["Tracing:Batch:ScheduledDelayMilliseconds"] = "60000",
        });
        using var instruments = new Instruments(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();
        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 100; i++)
        {
            source.StartActivity("op")?.Dispose();
        }

        await host.StopAsync();

        Assert.Equal(100, instruments.Received("otlp"));
        var queueFull = instruments.DroppedFor("otlp", "queue_full");
        Assert.InRange(queueFull, 1, 90); // ten in the export, up to ten queued behind it, the rest found the queue full
        Assert.Equal(100, instruments.Exported("otlp", "success") + instruments.Dropped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(instruments.Exported("otlp", "failure"), instruments.DroppedFor("otlp", "export_failed"));

        // The queue-full counter without delay says the same as the dropped counter's reason.
        instruments.QueueFull.RecordObservableInstruments();
        Assert.Equal(queueFull, instruments.QueueFull.LastMeasurement!.Value);
        Assert.Equal("otlp", instruments.QueueFull.LastMeasurement.Tags["exporter"]);
    }

    /// <summary>The instruments of one host's <c>Tracing.Sdk</c> meter, collected from before the host starts.</summary>
    private sealed class Instruments(IMeterFactory meters) : IDisposable
    {
        public MetricCollector<long> ExportedSpans { get; } = new(meters, TracingMetrics.MeterName, "tracing.sdk.spans.exported");

        public MetricCollector<long> Dropped { get; } = new(meters, TracingMetrics.MeterName, "tracing.sdk.spans.dropped");

        public MetricCollector<long> QueueFull { get; } = new(meters, TracingMetrics.MeterName, "tracing.sdk.spans.dropped.queue_full");

        public MetricCollector<long> ReceivedSpans { get; } = new(meters, TracingMetrics.MeterName, "tracing.sdk.spans.received");

        public MetricCollector<long> Retries { get; } = new(meters, TracingMetrics.MeterName, "tracing.sdk.export.retries");

        public long Exported(string exporter, string outcome) => ExportedSpans.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["exporter"] == exporter && (string?)m.Tags["outcome"] == outcome)
            .Sum(m => m.Value);

        public long DroppedFor(string exporter, string reason) => Dropped.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["exporter"] == exporter && (string?)m.Tags["reason"] == reason)
            .Sum(m => m.Value);

        public long Received(string exporter)
        {
            // An observable counter: its last observation is the running total.
            ReceivedSpans.RecordObservableInstruments();
            return ReceivedSpans.GetMeasurementSnapshot().Last(m => (string?)m.Tags["exporter"] == exporter).Value;
        }

        public void Dispose()
        {
            ExportedSpans.Dispose();
            Dropped.Dispose();
            QueueFull.Dispose();
            ReceivedSpans.Dispose();
            Retries.Dispose();
        }
    }
}

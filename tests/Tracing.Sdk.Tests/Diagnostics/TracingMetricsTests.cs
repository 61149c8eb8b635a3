using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Tests.Hosting;
using Tracing.Sdk.Tests.Support.Otlp;
using System.Diagnostics.Metrics;

namespace Tracing.Sdk.Tests.Diagnostics;

/// <summary>The SDK's own counters: spans exported by outcome, spans a full queue dropped.</summary>
public sealed class TracingMetricsTests
{
    [Fact]
    public async Task ExportedSpans_AreCountedBySuccess()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"Metrics.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = receiver.GrpcEndpoint,
        });
        using var exported = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), TracingMetrics.MeterName, "tracing.sdk.spans.exported");
        await host.StartAsync();
        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 5; i++)
        {
            source.StartActivity("op")?.Dispose();
        }

        await host.StopAsync();

        var success = exported.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["exporter"] == "otlp" && (string?)m.Tags["outcome"] == "success")
            .Sum(m => m.Value);
        Assert.True(success >= 5, $"exported {success}");
    }

    [Fact]
    public async Task FailedExports_AreCountedAsFailures()
    {
        var sourceName = $"Metrics.{Guid.NewGuid():N}";
        using var host = LifecycleTests.BuildWorker(new Dictionary<string, string?>
        {
            ["Tracing:Sources:0"] = sourceName,
            ["Tracing:Exporters:0"] = "otlp",
            ["Tracing:Otlp:Endpoint"] = "http://127.0.0.1:9",
            ["Tracing:Otlp:Protocol"] = "http/protobuf",
            ["Tracing:Otlp:TimeoutMilliseconds"] = "2000",
        });
        using var exported = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), TracingMetrics.MeterName, "tracing.sdk.spans.exported");
        await host.StartAsync();
        new ActivitySource(sourceName).StartActivity("op")?.Dispose();
        await host.StopAsync();

        var failures = exported.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == "failure").Sum(m => m.Value);
        Assert.Equal(1, failures);
    }

    [Fact]
    public async Task SpansDroppedByAFullQueue_AreCounted()
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
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, TracingMetrics.MeterName, "tracing.sdk.spans.dropped.queue_full");
        using var exported = new MetricCollector<long>(meters, TracingMetrics.MeterName, "tracing.sdk.spans.exported");
        await host.StartAsync();
        using var source = new ActivitySource(sourceName);
        for (var i = 0; i < 100; i++)
        {
            source.StartActivity("op")?.Dispose();
        }

        await host.StopAsync();
        dropped.RecordObservableInstruments();

        // Every span is accounted for: handed to the exporter (here failing) or dropped by the full queue.
        var last = dropped.LastMeasurement;
        Assert.NotNull(last);
        Assert.Equal("otlp", last.Tags["exporter"]);
        var handedToExporter = exported.GetMeasurementSnapshot().Sum(m => m.Value);
        Assert.True(last.Value > 0);
        Assert.Equal(100, last.Value + handedToExporter);
    }
}

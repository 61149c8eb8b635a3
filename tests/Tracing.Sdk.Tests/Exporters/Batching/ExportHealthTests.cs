using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters.Batching;

/// <summary>
/// What the operator log says about export trouble: a failure streak is one line when it starts and
/// one when it ends, however long; drops are summed at most once a minute; nothing is left unsaid at stop.
/// </summary>
public sealed class ExportHealthTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();

    public void Dispose() => _logger.Collector.Clear();

    [Fact]
    public void HundredFailedExports_AreOneFailingLine_AndOneRecoveredLine()
    {
        using var provider = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(provider));
        using var metrics = new TracingMetrics(loggerFactory: loggers, timeProvider: _time);
        using var activities = new TestActivities();
        var exporter = new ControllableExporter { Result = _ => ExportResult.Failure };
        using var processor = new SpanBatchExportProcessor(exporter, metrics.ForExporter(ExporterNames.Otlp), new BatchOptions { MaxExportBatchSize = 1 }, _time);

        for (var i = 0; i < 100; i++)
        {
            End(activities, processor);
            Assert.True(processor.ForceFlush(20_000));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        exporter.Result = _ => ExportResult.Success;
        End(activities, processor);
        Assert.True(processor.ForceFlush(20_000));

        var lines = provider.Collector.GetSnapshot().Where(r => r.Category == ExportLog.Category).ToList();
        var failing = Assert.Single(lines, r => r.Id.Id == 101);
        var recovered = Assert.Single(lines, r => r.Id.Id == 102);
        Assert.Equal(LogLevel.Warning, failing.Level);
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Equal("Exporter otlp recovered: 100 failed export(s) in 100.0 s since the last report; 100 span(s) were lost. Last failure: the exporter reported a failure without a cause (see its EventSource).", recovered.Message);
        Assert.Equal(2, lines.Count);
        Assert.Equal(100, processor.Totals.DroppedFor(DropReason.ExportFailed));
    }

    [Fact]
    public void Drops_AreReportedAtOnce_ThenAtMostOncePerMinute_AndWhatIsLeftAtStop()
    {
        var health = new ExportHealth("otlp", _logger, _time);

        health.Cycle(Totals(queueFull: 5));
        _time.Advance(TimeSpan.FromSeconds(30));
        health.Cycle(Totals(queueFull: 12));
        _time.Advance(TimeSpan.FromSeconds(31));
        health.Cycle(Totals(queueFull: 20));
        _time.Advance(TimeSpan.FromSeconds(1));
        health.Cycle(Totals(queueFull: 22, tooLarge: 1, exportFailed: 40));
        health.Stopped(Totals(queueFull: 22, tooLarge: 1, exportFailed: 40, shutdownTimeout: 7));

        Assert.Equal(
            [
                "Exporter otlp dropped 5 span(s) since the last report (queue_full=5); see tracing.sdk.spans.dropped. Reported at most once a minute.",
                "Exporter otlp dropped 15 span(s) since the last report (queue_full=15); see tracing.sdk.spans.dropped. Reported at most once a minute.",
                "Exporter otlp dropped 10 span(s) since the last report (queue_full=2, shutdown_timeout=7, too_large=1); see tracing.sdk.spans.dropped. Reported at most once a minute.",
            ],
            _logger.Collector.GetSnapshot().Select(r => r.Message));
    }

    [Fact]
    public void StreakOpenAtStop_IsClosedByOneLine()
    {
        var health = new ExportHealth("jaegerudp", _logger, _time);

        health.ExportCompleted(false, "sending to the agent failed: ConnectionRefused", Totals(socketFailure: 10));
        _time.Advance(TimeSpan.FromSeconds(5));
        health.ExportCompleted(false, null, Totals(socketFailure: 20));
        health.Stopped(Totals(socketFailure: 20));

        Assert.Equal(
            [
                "Exporter jaegerudp is failing: sending to the agent failed: ConnectionRefused. The spans of each failed export are dropped and counted (tracing.sdk.spans.dropped); one line follows when it recovers.",
                "Exporter jaegerudp stopped while failing: 2 failed export(s) in 5.0 s since the last report, 20 span(s) lost. Last failure: sending to the agent failed: ConnectionRefused.",
            ],
            _logger.Collector.GetSnapshot().Select(r => r.Message));
        Assert.False(health.Failing);
    }

    [Fact]
    public void FlappingExporter_StartsAFailingLineAtMostOnceAMinute_AndSumsTheSilentStreaks()
    {
        // A UDP agent that is gone: the kernel refuses every other send.
        var health = new ExportHealth("jaegerudp", _logger, _time);
        var lost = 0;
        for (var i = 0; i < 50; i++)
        {
            lost += 10;
            health.ExportCompleted(false, "sending to the agent failed: ConnectionRefused", Totals(socketFailure: lost));
            _time.Advance(TimeSpan.FromMilliseconds(100));
            health.ExportCompleted(true, null, Totals(socketFailure: lost));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        _time.Advance(TimeSpan.FromSeconds(50));
        health.ExportCompleted(false, "sending to the agent failed: ConnectionRefused", Totals(socketFailure: lost + 10));
        health.ExportCompleted(true, null, Totals(socketFailure: lost + 10));
        health.Stopped(Totals(socketFailure: lost + 10));

        var lines = _logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(
            [
                "Exporter jaegerudp is failing: sending to the agent failed: ConnectionRefused. The spans of each failed export are dropped and counted (tracing.sdk.spans.dropped); one line follows when it recovers.",
                "Exporter jaegerudp recovered: 1 failed export(s) in 0.1 s since the last report; 10 span(s) were lost. Last failure: sending to the agent failed: ConnectionRefused.",
                "Exporter jaegerudp is failing: sending to the agent failed: ConnectionRefused. The spans of each failed export are dropped and counted (tracing.sdk.spans.dropped); one line follows when it recovers.",
                "Exporter jaegerudp recovered: 50 failed export(s) in 59.8 s since the last report; 500 span(s) were lost. Last failure: sending to the agent failed: ConnectionRefused.",
            ],
            lines);
    }

    private static ExportTotals Totals(long queueFull = 0, long exportFailed = 0, long shutdownTimeout = 0, long tooLarge = 0, long socketFailure = 0)
    {
        var dropped = new long[DropReasons.All.Length];
        dropped[(int)DropReason.QueueFull] = queueFull;
        dropped[(int)DropReason.ExportFailed] = exportFailed;
        dropped[(int)DropReason.ShutdownTimeout] = shutdownTimeout;
        dropped[(int)DropReason.TooLarge] = tooLarge;
        dropped[(int)DropReason.SocketFailure] = socketFailure;
        return new ExportTotals(0, 0, dropped, 0, 0, 0);
    }

    private static void End(TestActivities activities, SpanBatchExportProcessor processor)
    {
        var activity = activities.Start("span");
        activity.Stop();
        System.Diagnostics.Activity.Current = null;
        processor.OnEnd(activity);
    }
}

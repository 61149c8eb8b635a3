using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Batching;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters.Batching;

/// <summary>
/// The batch processor against an exporter the test holds and releases: when it exports, what
/// ForceFlush and Shutdown wait for, and that every span ends up counted exactly once — exported,
/// or dropped for one reason — also under concurrency and with a dead exporter.
/// </summary>
public sealed class SpanBatchExportProcessorTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly TestActivities _activities = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TracingMetrics _metrics = new();

    public void Dispose()
    {
        _activities.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task PartialBatch_WaitsForTheScheduledDelay_FullBatch_GoesAtOnce()
    {
        var exporter = new ControllableExporter();
        using var processor = Create(exporter, queue: 100, batch: 4, delayMilliseconds: 5000);

        // Three spans wait for the schedule. Only the fake clock can wake the worker for them, so
        // nothing can have been exported before it reaches the delay.
        End(processor, 3);
        _time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Empty(exporter.Entered.Snapshot);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var partial = await exporter.Completed.WaitUntilAsync(c => c.Count == 1, Wait);
        Assert.True(partial.Satisfied);
        Assert.Equal(3, partial.Items[0].Spans.Count);

        // A full batch does not wait for the clock.
        End(processor, 4);
        var full = await exporter.Completed.WaitUntilAsync(c => c.Count == 2, Wait);
        Assert.True(full.Satisfied);
        Assert.Equal(4, full.Items[1].Spans.Count);
        Assert.True(processor.ForceFlush(20_000));
        AssertBalanced(processor.Totals, received: 7, exported: 7);
    }

    [Fact]
    public async Task FullQueue_DropsSpans_CountedExactly_WithoutEverBlockingTheCaller()
    {
        var exporter = new ControllableExporter(open: false);
        using var processor = Create(exporter, queue: 10, batch: 10);
        using var queueSize = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.queue.size");
        using var queueFull = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.spans.dropped.queue_full");
        using var received = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.spans.received");

        End(processor, 10);
        Assert.True((await exporter.Entered.WaitUntilAsync(e => e.Count == 1, Wait)).Satisfied);

        // The exporter holds ten in flight; ten more fill the queue; five find it full.
        End(processor, 15);
        var totals = processor.Totals;
        Assert.Equal(10, totals.InFlight);
        Assert.Equal(10, totals.Queued);
        Assert.Equal(5, totals.DroppedFor(DropReason.QueueFull));
        Assert.True(totals.Balanced, totals.ToString());

        queueSize.RecordObservableInstruments();
        queueFull.RecordObservableInstruments();
        received.RecordObservableInstruments();
        Assert.Equal(10, queueSize.LastMeasurement!.Value);
        Assert.Equal(5, queueFull.LastMeasurement!.Value);
        Assert.Equal(25, received.LastMeasurement!.Value);
        Assert.Equal("batch-tests", queueSize.LastMeasurement.Tags["exporter"]);

        exporter.Open();
        Assert.True(processor.ForceFlush(20_000));
        AssertBalanced(processor.Totals, received: 25, exported: 20, (DropReason.QueueFull, 5));
    }

    [Fact]
    public async Task ForceFlush_WhileAnExportIsUnderWay_WaitsForItAndForEverythingQueuedBehindIt()
    {
        var exporter = new ControllableExporter(open: false);
        using var processor = Create(exporter, queue: 100, batch: 2);
        End(processor, 2);
        Assert.True((await exporter.Entered.WaitUntilAsync(e => e.Count == 1, Wait)).Satisfied);
        End(processor, 3);

        // Held export: a flush cannot be done, and says so when its time is up.
        Assert.False(processor.ForceFlush(100));

        var flush = Task.Run(() => processor.ForceFlush(20_000));
        exporter.Open();
        Assert.True(await flush.WaitAsync(Wait));

        Assert.Equal(5, exporter.Completed.Snapshot.Sum(c => c.Spans.Count));
        AssertBalanced(processor.Totals, received: 5, exported: 5);
    }

    [Fact]
    public async Task ConcurrentForceFlushes_AllReturnOnceTheirSpansAreExported()
    {
        var exporter = new ControllableExporter();
        using var processor = Create(exporter, queue: 10_000, batch: 100);

        var flushes = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            End(processor, 250);
            return processor.ForceFlush(20_000);
        })).ToArray();

        Assert.All(await Task.WhenAll(flushes).WaitAsync(Wait), Assert.True);
        AssertBalanced(processor.Totals, received: 1000, exported: 1000);
    }

    [Fact]
    public async Task Shutdown_WithAFullQueueAndADeadCollector_EndsWithinItsTimeout_CountingWhatItDropped()
    {
        // The exporter never answers until it is shut down (as OTLP's, which then cancels its request).
        var exporter = new ControllableExporter(open: false);
        var processor = Create(exporter, queue: 100, batch: 10);
        End(processor, 10);
        Assert.True((await exporter.Entered.WaitUntilAsync(e => e.Count == 1, Wait)).Satisfied);
        End(processor, 105);

        var stopwatch = Stopwatch.StartNew();
        var stopped = processor.Shutdown(300);
        stopwatch.Stop();

        Assert.False(stopped);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"shutdown took {stopwatch.Elapsed}");
        Assert.True(exporter.ShutdownCalled);

        // The export under way returns once the exporter is shut down, and is settled as failed.
        Assert.True((await exporter.Completed.WaitUntilAsync(c => c.Count == 1, Wait)).Satisfied);
        var totals = await SettledAsync(processor);
        AssertBalanced(totals, received: 115, exported: 0, (DropReason.QueueFull, 5), (DropReason.ShutdownTimeout, 100), (DropReason.ExportFailed, 10));
        Assert.Single(exporter.Entered.Snapshot);

        // Shutdown is once; later spans are counted, not queued.
        Assert.False(processor.Shutdown(1000));
        End(processor, 2);
        AssertBalanced(processor.Totals, received: 117, exported: 0, (DropReason.QueueFull, 5), (DropReason.ShutdownTimeout, 100), (DropReason.ExportFailed, 10), (DropReason.AlreadyShutdown, 2));
        processor.Dispose();
    }

    [Fact]
    public void Shutdown_WithALiveCollector_ExportsEverythingQueued()
    {
        var exporter = new ControllableExporter();
        using var processor = Create(exporter, queue: 100, batch: 10, delayMilliseconds: 60_000);
        End(processor, 25);

        Assert.True(processor.Shutdown(20_000));

        Assert.True(exporter.ShutdownCalled);
        Assert.Equal(25, exporter.Completed.Snapshot.Sum(c => c.Spans.Count));
        AssertBalanced(processor.Totals, received: 25, exported: 25);
    }

    [Fact]
    public void Dispose_WithoutShutdown_CountsTheQueueAsLost()
    {
        var exporter = new ControllableExporter(open: false);
        var processor = Create(exporter, queue: 100, batch: 50);
        End(processor, 7);

        processor.Dispose();

        AssertBalanced(processor.Totals, received: 7, exported: 0, (DropReason.ShutdownTimeout, 7));
        Assert.Empty(exporter.Entered.Snapshot);
    }

    [Fact]
    public async Task ExporterThatThrows_FailsItsBatch_AndExportingGoesOn()
    {
        var exporter = new ControllableExporter();
        var calls = 0;
        exporter.Result = _ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : ExportResult.Success;
        using var processor = Create(exporter, queue: 100, batch: 3);

        End(processor, 3);
        Assert.True((await exporter.Entered.WaitUntilAsync(e => e.Count == 1, Wait)).Satisfied);
        End(processor, 3);
        Assert.True(processor.ForceFlush(20_000));

        AssertBalanced(processor.Totals, received: 6, exported: 3, (DropReason.ExportFailed, 3));
    }

    [Fact]
    public void ExporterSettlingPartOfABatch_LeavesOnlyTheRestToTheBatchsResult()
    {
        // As the Jaeger UDP exporter does per datagram: two sent, one too large, the rest failed.
        var exporter = new ControllableExporter();
        var accounting = _metrics.ForExporter("batch-tests");
        exporter.Result = spans =>
        {
            accounting.ExporterSent(2);
            accounting.ExporterDropped(DropReason.TooLarge, 1);
            return ExportResult.Failure;
        };
        using var processor = Create(exporter, queue: 100, batch: 5);

        End(processor, 5);
        Assert.True(processor.ForceFlush(20_000));

        AssertBalanced(processor.Totals, received: 5, exported: 2, (DropReason.TooLarge, 1), (DropReason.ExportFailed, 2));
    }

    [Fact]
    public void UnsampledSpans_AreNotExported_NorCounted()
    {
        var exporter = new ControllableExporter();
        using var processor = Create(exporter, queue: 100, batch: 5);
        using var source = new ActivitySource($"Unsampled.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);

        var activity = source.StartActivity("not recorded")!;
        activity.Stop();
        processor.OnEnd(activity);

        Assert.True(processor.ForceFlush(1000));
        Assert.Equal(0, processor.Totals.Received);
        Assert.Empty(exporter.Entered.Snapshot);
    }

    [Fact]
    public async Task ManyThreads_WithAFlakyExporterAndASmallQueue_EverySpanIsCountedExactlyOnce()
    {
        const int threads = 8;
        const int perThread = 5000;
        var exporter = new ControllableExporter();
        var exports = 0;
        exporter.Result = _ => Interlocked.Increment(ref exports) % 3 == 0 ? ExportResult.Failure : ExportResult.Success;
        using var processor = Create(exporter, queue: 256, batch: 64, delayMilliseconds: 1);

        var start = new Barrier(threads);
        var producers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            End(processor, perThread);
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(Wait);
        Assert.True(processor.Shutdown(20_000));

        var completed = exporter.Completed.Snapshot;
        var seen = completed.SelectMany(c => c.Spans).ToList();
        Assert.Equal(seen.Count, seen.Distinct().Count()); // no span exported twice
        var exported = completed.Where(c => c.Result == ExportResult.Success).Sum(c => c.Spans.Count);
        var failed = completed.Where(c => c.Result == ExportResult.Failure).Sum(c => c.Spans.Count);
        Assert.True(failed > 0 && exported > 0);
        AssertBalanced(processor.Totals, received: threads * perThread, exported, (DropReason.ExportFailed, failed), (DropReason.QueueFull, (threads * perThread) - seen.Count));
        Assert.All(completed, c => Assert.InRange(c.Spans.Count, 1, 64));
    }

    [Fact]
    public async Task QueueFullDrops_ReachTheDroppedCounter_FromTheExportThread()
    {
        var exporter = new ControllableExporter(open: false);
        using var processor = Create(exporter, queue: 4, batch: 4);
        using var dropped = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.spans.dropped");
        End(processor, 4);
        Assert.True((await exporter.Entered.WaitUntilAsync(e => e.Count == 1, Wait)).Satisfied);
        End(processor, 10); // 4 queued, 6 dropped

        // Not from the request thread: nothing is published until the export thread's next round.
        Assert.Empty(dropped.GetMeasurementSnapshot());
        exporter.Open();
        Assert.True(processor.ForceFlush(20_000));

        Assert.Equal(6, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "queue_full").Sum(m => m.Value));
    }

    private static void AssertBalanced(ExportTotals totals, long received, long exported, params (DropReason Reason, long Count)[] dropped)
    {
        Assert.True(totals.Balanced, totals.ToString());
        Assert.Equal(received, totals.Received);
        Assert.Equal(exported, totals.Exported);
        foreach (var reason in DropReasons.All)
        {
            Assert.True(
                dropped.Where(d => d.Reason == reason).Sum(d => d.Count) == totals.DroppedFor(reason),
                $"{DropReasons.Name(reason)}: {totals}");
        }

        Assert.Equal(0, totals.Queued);
        Assert.Equal(0, totals.InFlight);
    }

    private static async Task<ExportTotals> SettledAsync(SpanBatchExportProcessor processor)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (processor.Totals.InFlight != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return processor.Totals;
    }

    private SpanBatchExportProcessor Create(ControllableExporter exporter, int queue, int batch, int delayMilliseconds = 60_000) =>
        new(
            exporter,
            _metrics.ForExporter("batch-tests"),
            new BatchOptions { MaxQueueSize = queue, MaxExportBatchSize = batch, ScheduledDelayMilliseconds = delayMilliseconds },
            delayMilliseconds == 1 ? TimeProvider.System : _time);

    private void End(SpanBatchExportProcessor processor, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var activity = _activities.Start("span");
            activity.Stop();
            Activity.Current = null;
            processor.OnEnd(activity);
        }
    }
}

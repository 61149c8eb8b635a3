using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// The batch span processor in front of each network exporter: OpenTelemetry's batching semantics
/// (trace SDK specification, "Batching processor"; <c>Batch</c> knobs) with every span accounted for in
/// an <see cref="ExportAccounting"/>, through public OpenTelemetry API only.
/// <list type="bullet">
/// <item>A span that ends is put in a bounded queue (<see cref="BatchOptions.MaxQueueSize"/>) with a
/// compare-and-swap on the queue's count and a lock-free enqueue; the thread that ended it never
/// waits, takes no lock and never sees an exception. A full queue drops the span, counted.</item>
/// <item>One dedicated background thread exports: a batch as soon as <see cref="BatchOptions.MaxExportBatchSize"/>
/// spans are queued, otherwise what is queued every <see cref="BatchOptions.ScheduledDelayMilliseconds"/>
/// (timed by the injected <see cref="TimeProvider"/>). The exporter's outcome settles the batch: the
/// spans the exporter did not account for itself are exported on success, dropped as
/// <see cref="DropReason.ExportFailed"/> on failure.</item>
/// <item><see cref="BaseProcessor{T}.ForceFlush"/> returns once every span queued before the call has
/// been through an export (or the timeout passed), also when an export is under way at the call.</item>
/// <item><see cref="BaseProcessor{T}.Shutdown"/> (once, as OpenTelemetry guarantees) stops taking spans,
/// exports what is queued and shuts the exporter down, within its timeout: what is still queued when
/// the time is up is dropped as <see cref="DropReason.ShutdownTimeout"/>, the export under way (if
/// any) is settled when it returns, and later spans are dropped as <see cref="DropReason.AlreadyShutdown"/>.</item>
/// </list>
/// <see cref="BatchOptions.ExportTimeoutMilliseconds"/> bounds an export the way OpenTelemetry's
/// processor does not either (an export call cannot be abandoned mid-way): the OTLP exporter's HTTP
/// client, retries included, is given the smaller of it and <c>Otlp:TimeoutMilliseconds</c>.
/// </summary>
internal sealed class SpanBatchExportProcessor : BaseExportProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _queue = new();
    private readonly ExportAccounting _accounting;
    private readonly int _capacity;
    private readonly int _maxBatch;
    private readonly TimeSpan _scheduledDelay;
    private readonly Activity[] _batch;
    private readonly Thread _worker;
    private readonly AutoResetEvent _wake = new(false);
    private readonly ITimer _schedule;
    private readonly object _progress = new();

    private long _queued;
    private long _inFlight;
    private long _flushRequested;
    private long _flushCompleted;
    private int _activeOnEnd;
    private int _closed;
    private int _draining;
    private int _abandoned;
    private int _scheduledDue;
    private int _workerExited;
    private int _stopReported;
    private int _disposed;

    public SpanBatchExportProcessor(BaseExporter<Activity> exporter, ExportAccounting accounting, BatchOptions options, TimeProvider timeProvider)
        : base(exporter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueueSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxExportBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxExportBatchSize, options.MaxQueueSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ScheduledDelayMilliseconds, 1, nameof(options));

        _accounting = accounting;
        _capacity = options.MaxQueueSize;
        _maxBatch = options.MaxExportBatchSize;
        _scheduledDelay = TimeSpan.FromMilliseconds(options.ScheduledDelayMilliseconds);
        _batch = new Activity[_maxBatch];
        accounting.AttachQueue(_capacity, () => Volatile.Read(ref _queued), () => Volatile.Read(ref _inFlight));

        // Neither the timer nor the thread may capture the ExecutionContext of whoever builds the
        // provider (an Activity.Current, a logging scope would stay alive for the process's lifetime).
        var suppressed = ExecutionContext.IsFlowSuppressed();
        if (!suppressed)
        {
            ExecutionContext.SuppressFlow();
        }

        try
        {
            _schedule = timeProvider.CreateTimer(static state => ((SpanBatchExportProcessor)state!).ScheduledDelayElapsed(), this, _scheduledDelay, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            if (!suppressed)
            {
                ExecutionContext.RestoreFlow();
            }
        }

        _worker = new Thread(Run) { IsBackground = true, Name = $"Tracing.Sdk export ({accounting.Exporter})" };
        _worker.UnsafeStart();
    }

    /// <summary>What has happened to the spans given to this processor so far.</summary>
    public ExportTotals Totals => _accounting.Totals;

    /// <summary>Called by <see cref="BaseExportProcessor{T}.OnEnd"/> on the thread that ended the span.</summary>
    protected override void OnExport(Activity data)
    {
        // As OpenTelemetry's batch processor: spans the sampler recorded but did not sample are not exported.
        if (!data.Recorded)
        {
            return;
        }

        try
        {
            _accounting.SpanReceived();
            Interlocked.Increment(ref _activeOnEnd);
            try
            {
                Enqueue(data);
            }
            finally
            {
                Interlocked.Decrement(ref _activeOnEnd);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(SpanBatchExportProcessor), ex.Message);
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        if (Volatile.Read(ref _queued) == 0 && Volatile.Read(ref _inFlight) == 0)
        {
            return true;
        }

        if (Volatile.Read(ref _workerExited) != 0)
        {
            return false;
        }

        var generation = Interlocked.Increment(ref _flushRequested);
        Wake();
        return WaitForProgress(() => Volatile.Read(ref _flushCompleted) >= generation, timeoutMilliseconds);
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var started = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _closed, 1);

        // Spans that passed the closed check before it was set finish their enqueue first (bounded).
        // With no time at all (a dispose without shutdown), no export is started: the queue is lost.
        var drained = timeoutMilliseconds != 0 && WaitForActiveOnEnd(timeoutMilliseconds, started);
        if (drained)
        {
            Interlocked.Exchange(ref _draining, 1);
            Wake();
            drained = timeoutMilliseconds == Timeout.Infinite
                ? JoinWorker()
                : _worker.Join(Remaining(timeoutMilliseconds, started));
        }

        if (!drained)
        {
            // Time is up: whatever is still queued is lost, and counted; the export under way (if
            // any) is settled by the worker when it returns, which the exporter's shutdown hastens.
            Interlocked.Exchange(ref _abandoned, 1);
            Wake();
            DropQueued(DropReason.ShutdownTimeout);
        }

        bool exporterStopped;
        try
        {
            exporterStopped = exporter.Shutdown(timeoutMilliseconds == Timeout.Infinite ? Timeout.Infinite : Remaining(timeoutMilliseconds, started));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ExportFailed(_accounting.Exporter, ex.Message);
            exporterStopped = false;
        }

        _schedule.Dispose();
        if (Volatile.Read(ref _workerExited) != 0)
        {
            ReportStopped();
        }

        return drained && exporterStopped;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // A provider shuts its processors down before it disposes them; a processor disposed
            // without that loses its queue now (counted) rather than keep a thread running.
            Shutdown(0);
            _schedule.Dispose();
            if (Volatile.Read(ref _workerExited) != 0)
            {
                _wake.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static int Remaining(int timeoutMilliseconds, long started) =>
        (int)Math.Max(0, timeoutMilliseconds - Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private void Enqueue(Activity data)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            _accounting.Dropped(DropReason.AlreadyShutdown, 1);
            return;
        }

        // Reserve a place first, so that the queue never holds more than its capacity.
        long count;
        do
        {
            count = Volatile.Read(ref _queued);
            if (count >= _capacity)
            {
                _accounting.Dropped(DropReason.QueueFull, 1);
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _queued, count + 1, count) != count);

        _queue.Enqueue(data);

        // Every rise past the batch size goes through exactly this value: one wake-up per full batch.
        if (count + 1 == _maxBatch)
        {
            Wake();
        }

        // Shutdown gave up on the queue while this span was being added: it is lost with the rest.
        if (Volatile.Read(ref _abandoned) != 0)
        {
            DropQueued(DropReason.ShutdownTimeout);
        }
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                if (!HasWork())
                {
                    _wake.WaitOne();
                }

                if (Volatile.Read(ref _abandoned) != 0)
                {
                    return;
                }

                var draining = Volatile.Read(ref _draining) != 0;
                var generation = Volatile.Read(ref _flushRequested);
                var scheduled = Interlocked.Exchange(ref _scheduledDue, 0) != 0;
                var flushing = generation > Volatile.Read(ref _flushCompleted);

                // Every span in the queue now (read after the flush generation, so it includes every
                // span queued before that ForceFlush) is exported in this round; a round woken only by
                // a full batch exports full batches, as OpenTelemetry's does.
                var quota = Volatile.Read(ref _queued);
                var fullBatchesOnly = !draining && !flushing && !scheduled;
                while (Volatile.Read(ref _abandoned) == 0)
                {
                    // A round woken by a full batch takes full batches for as long as there are any
                    // (spans keep arriving while it exports); a flush, drain or scheduled round takes
                    // what was queued when it began, in batches of at most the batch size.
                    int size;
                    if (fullBatchesOnly)
                    {
                        if (Volatile.Read(ref _queued) < _maxBatch)
                        {
                            break;
                        }

                        size = _maxBatch;
                    }
                    else
                    {
                        if (quota <= 0)
                        {
                            break;
                        }

                        size = (int)Math.Min(quota, _maxBatch);
                    }

                    var taken = ExportBatch(size);
                    if (taken == 0)
                    {
                        break;
                    }

                    quota -= taken;
                }

                // The round's bookkeeping (counters, operator log) is done before a flush is reported
                // complete, so whoever waited on ForceFlush sees its effects.
                _accounting.PublishQueueFull();
                _accounting.Health.Cycle(_accounting.Totals);
                Volatile.Write(ref _flushCompleted, Math.Max(generation, Volatile.Read(ref _flushCompleted)));
                PulseProgress();

                if (draining && _queue.IsEmpty)
                {
                    return;
                }

                RestartSchedule();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing above throws by design; if it did, the queue would grow until full and be counted.
            TracingEventSource.Log.ComponentFailed(nameof(SpanBatchExportProcessor), ex.Message);
        }
        finally
        {
            Volatile.Write(ref _workerExited, 1);
            PulseProgress();

            // An export still under way when the shutdown gave up ends here: report after it.
            if (Volatile.Read(ref _closed) != 0)
            {
                ReportStopped();
            }
        }
    }

    /// <summary>The last word of the operator log, once, after the last export.</summary>
    private void ReportStopped()
    {
        if (Interlocked.Exchange(ref _stopReported, 1) == 0)
        {
            _accounting.PublishQueueFull();
            _accounting.Health.Stopped(_accounting.Totals);
        }
    }

    private bool HasWork() =>
        Volatile.Read(ref _queued) >= _maxBatch
        || Volatile.Read(ref _scheduledDue) != 0
        || Volatile.Read(ref _flushRequested) > Volatile.Read(ref _flushCompleted)
        || Volatile.Read(ref _draining) != 0
        || Volatile.Read(ref _abandoned) != 0;

    /// <summary>Takes up to <paramref name="max"/> spans off the queue and exports them; returns how many it took.</summary>
    private int ExportBatch(int max)
    {
        var count = 0;
        while (count < max && _queue.TryDequeue(out var span))
        {
            _batch[count++] = span;
        }

        if (count == 0)
        {
            return 0;
        }

        // In flight before leaving the queue's count, settled before leaving in flight: a snapshot
        // may count a span twice while it moves, never zero times.
        Volatile.Write(ref _inFlight, count);
        Interlocked.Add(ref _queued, -count);

        var settledBefore = _accounting.ExporterSettled;
        ExportResult result;
        try
        {
            result = exporter.Export(new Batch<Activity>(_batch, count));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ExportFailed(_accounting.Exporter, ex.Message);
            _accounting.NoteFailure($"the exporter threw {ex.GetType().Name}");
            result = ExportResult.Failure;
        }

        // The exporter may have settled some spans itself (Jaeger UDP: per datagram); the rest share the batch's fate.
        var unsettled = count - Math.Clamp(_accounting.ExporterSettled - settledBefore, 0, count);
        if (result == ExportResult.Success)
        {
            _accounting.Exported(unsettled);
        }
        else
        {
            _accounting.Dropped(DropReason.ExportFailed, unsettled);
        }

        // The operator log hears of the export before the batch leaves in flight: a ForceFlush that finds
        // nothing queued or in flight returns at once, and its caller must see the log line too.
        _accounting.Health.ExportCompleted(result == ExportResult.Success, _accounting.TakeFailure(), _accounting.Totals);
        Volatile.Write(ref _inFlight, 0);
        Array.Clear(_batch, 0, count);
        return count;
    }

    private void DropQueued(DropReason reason)
    {
        var count = 0;
        while (_queue.TryDequeue(out _))
        {
            count++;
        }

        if (count > 0)
        {
            _accounting.Dropped(reason, count);
            Interlocked.Add(ref _queued, -count);
        }
    }

    private bool WaitForActiveOnEnd(int timeoutMilliseconds, long started)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref _activeOnEnd) != 0)
        {
            if (timeoutMilliseconds != Timeout.Infinite && Remaining(timeoutMilliseconds, started) <= 0)
            {
                return false;
            }

            spin.SpinOnce();
        }

        return true;
    }

    private bool JoinWorker()
    {
        _worker.Join();
        return true;
    }

    private bool WaitForProgress(Func<bool> done, int timeoutMilliseconds)
    {
        var started = Stopwatch.GetTimestamp();
        lock (_progress)
        {
            while (!done())
            {
                if (Volatile.Read(ref _workerExited) != 0)
                {
                    return done();
                }

                if (timeoutMilliseconds == Timeout.Infinite)
                {
                    Monitor.Wait(_progress);
                    continue;
                }

                var left = Remaining(timeoutMilliseconds, started);
                if (left <= 0)
                {
                    return done();
                }

                Monitor.Wait(_progress, left);
            }

            return true;
        }
    }

    private void PulseProgress()
    {
        lock (_progress)
        {
            Monitor.PulseAll(_progress);
        }
    }

    private void ScheduledDelayElapsed()
    {
        Volatile.Write(ref _scheduledDue, 1);
        Wake();
    }

    private void RestartSchedule()
    {
        try
        {
            _schedule.Change(_scheduledDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile.
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nobody is waiting any more.
        }
    }
}

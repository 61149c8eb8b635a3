using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters;

/// <summary>
/// Holds ended spans per trace until no span of that trace is open in this process any more (the
/// local root and every span below it have ended), then hands the trace to a background writer that
/// renders it as one waterfall block (a request thread neither renders nor waits on the console).
/// One collector per process serves every host printing to the console, so that services running in
/// one process show a trace as one block. Memory is bounded: at most <see cref="ConsoleExporterOptions.MaxTraces"/>
/// traces of <see cref="ConsoleExporterOptions.MaxSpansPerTrace"/> spans, each held at most
/// <see cref="ConsoleExporterOptions.MaxTraceAgeSeconds"/>.
/// <para>
/// A request thread only records that a span started or ended, in a bounded lock-free queue (a full
/// queue drops the event, counted); the bookkeeping under the collector's lock, the snapshot of the
/// span (whose tag values' <c>ToString</c> may throw) and the rendering all run on background threads.
/// So the process-wide collector is never a lock every request takes, and nothing here can throw into
/// the <c>Activity.Stop</c> of the application.
/// </para>
/// </summary>
internal sealed class WaterfallCollector : IDisposable
{
    private const int MaxPendingBlocks = 256;

    // Start and end events waiting for the background pump; beyond this, events are dropped (counted).
    private const int MaxPendingEvents = 65_536;

    private static readonly object s_sharedLock = new();
    private static WaterfallCollector? s_shared;
    private static int s_sharedUsers;

    private readonly object _lock = new();
    private readonly Dictionary<ActivityTraceId, Fragment> _traces = [];
    private readonly Dictionary<ActivitySpanId, (ActivityTraceId TraceId, long Started)> _open = [];
    private readonly Dictionary<ActivityTraceId, int> _openPerTrace = [];
    private readonly ConsoleExporterOptions _options;
    private readonly TimeProvider _time;
    private readonly TextWriter _writer;
    private readonly ConcurrentQueue<SpanEvent> _events = new();
    private readonly Channel<PendingBlock> _blocks;
    private readonly Task _writing;
    private readonly ITimer _sweep;
    private readonly int _maxOpen;
    private long _spansDropped;
    private long _pendingBlocks;
    private int _pendingEvents;
    private int _pumpScheduled;
    private int _disposed;

    public WaterfallCollector(TextWriter writer, ConsoleExporterOptions options, TimeProvider time)
    {
        _writer = writer;
        _options = options;
        _time = time;
        _maxOpen = Math.Max(1024, options.MaxTraces * 4);
        _blocks = Channel.CreateBounded<PendingBlock>(new BoundedChannelOptions(MaxPendingBlocks)
        {
            // Wait, not DropWrite: with Wait, TryWrite says false when full, so the drop is counted
            // (DropWrite reports success for the item it throws away).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _writing = Task.Run(WriteBlocksAsync);
        var sweepEvery = TimeSpan.FromSeconds(Math.Min(1, options.MaxTraceAgeSeconds));
        _sweep = time.CreateTimer(static state => ((WaterfallCollector)state!).PrintExpired(), this, sweepEvery, sweepEvery);
    }

    /// <summary>Spans not printed because the console fell behind by more than 256 traces (or could not be written, or their snapshot failed).</summary>
    public long SpansDropped => Interlocked.Read(ref _spansDropped);

    public static WaterfallCollector AcquireShared(ConsoleExporterOptions options)
    {
        lock (s_sharedLock)
        {
            s_shared ??= new WaterfallCollector(System.Console.Out, options, TimeProvider.System);
            s_sharedUsers++;
            return s_shared;
        }
    }

    public static void ReleaseShared(WaterfallCollector collector)
    {
        lock (s_sharedLock)
        {
            if (!ReferenceEquals(collector, s_shared) || --s_sharedUsers > 0)
            {
                return;
            }

            s_shared = null;
        }

        collector.Dispose();
    }

    /// <summary>Notes that <paramref name="activity"/> started; one interlocked add and a lock-free enqueue.</summary>
    public void Started(Activity activity)
    {
        // A start that does not fit is only not tracked: its trace may print early, marked partial.
        Post(new SpanEvent(activity, Service: null, _time.GetTimestamp()), countDropped: false);
    }

    /// <summary>Notes that <paramref name="activity"/> of <paramref name="service"/> ended; one interlocked add and a lock-free enqueue.</summary>
    public void Ended(Activity activity, string service) =>
        Post(new SpanEvent(activity, service, 0), countDropped: true);

    /// <summary>Applies every start and end posted so far (the background pump does this by itself; tests and flushes call it to be sure).</summary>
    public void ProcessPending()
    {
        // Blocks are handed to the writer inside the lock (a non-blocking write), so that whoever
        // returns from here knows every event posted before is processed, whichever thread did it.
        lock (_lock)
        {
            while (_events.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref _pendingEvents);
                try
                {
                    if (item.Service is null)
                    {
                        Track(item.Activity, item.Timestamp);
                    }
                    else if (Collect(WaterfallSpan.From(item.Activity, item.Service)) is { } block)
                    {
                        Enqueue(block);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    TracingEventSource.Log.ComponentFailed(nameof(WaterfallCollector), ex.Message);
                    if (item.Service is not null)
                    {
                        Interlocked.Increment(ref _spansDropped);
                    }
                }
            }
        }
    }

    private void Post(SpanEvent item, bool countDropped)
    {
        if (Interlocked.Increment(ref _pendingEvents) > MaxPendingEvents)
        {
            Interlocked.Decrement(ref _pendingEvents);
            if (countDropped)
            {
                Interlocked.Increment(ref _spansDropped);
            }

            return;
        }

        _events.Enqueue(item);
        if (Interlocked.CompareExchange(ref _pumpScheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static collector => collector.Pump(), this, preferLocal: false);
        }
    }

    private void Pump()
    {
        ProcessPending();
        Volatile.Write(ref _pumpScheduled, 0);

        // An event posted after the queue was emptied but before the flag was cleared found the pump
        // still scheduled: look again.
        if (!_events.IsEmpty && Interlocked.CompareExchange(ref _pumpScheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static collector => collector.Pump(), this, preferLocal: false);
        }
    }

    private void Track(Activity activity, long started)
    {
        if (_open.Count < _maxOpen && _open.TryAdd(activity.SpanId, (activity.TraceId, started)))
        {
            _openPerTrace[activity.TraceId] = _openPerTrace.GetValueOrDefault(activity.TraceId) + 1;
        }
    }

    /// <summary>Holds an ended span; returns the trace's block when nothing of it is open any more. Under the lock.</summary>
    private PendingBlock? Collect(WaterfallSpan span)
    {
        var stillOpen = Close(span.SpanId) ?? _openPerTrace.GetValueOrDefault(span.TraceId);
        if (!_traces.TryGetValue(span.TraceId, out var fragment))
        {
            if (_traces.Count >= _options.MaxTraces)
            {
                EvictOldest();
            }

            fragment = new Fragment(_time.GetTimestamp());
            _traces.Add(span.TraceId, fragment);
        }

        if (fragment.Spans.Count < _options.MaxSpansPerTrace)
        {
            fragment.Spans.Add(span);
        }
        else
        {
            fragment.Dropped++;
        }

        // Complete when nothing of this trace is open here any more. (Not "when the parent has
        // ended": a client span ends at the response headers, before the server span below it.)
        if (stillOpen > 0)
        {
            return null;
        }

        _traces.Remove(span.TraceId);
        return new PendingBlock(fragment.Spans, fragment.Dropped, Complete: true);
    }

    /// <summary>Prints every held fragment and waits (up to <paramref name="timeout"/>) until the console has it.</summary>
    public bool Flush(TimeSpan timeout)
    {
        ProcessPending();
        List<PendingBlock> blocks;
        lock (_lock)
        {
            blocks = _traces.Values.Select(static f => new PendingBlock(f.Spans, f.Dropped, Complete: false)).ToList();
            _traces.Clear();
        }

        foreach (var block in blocks)
        {
            Enqueue(block);
        }

        return WaitForOutput(timeout);
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until every rendered block has been written.</summary>
    public bool WaitForOutput(TimeSpan timeout)
    {
        ProcessPending();

        // A real-time bound (not the injected clock): this waits for the console, not for spans.
        var waited = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (Interlocked.Read(ref _pendingBlocks) > 0 && waited.Elapsed < timeout)
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }

        return Interlocked.Read(ref _pendingBlocks) == 0;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _sweep.Dispose();
        Flush(TimeSpan.FromSeconds(2));
        _blocks.Writer.TryComplete();
        _writing.Wait(TimeSpan.FromSeconds(2));
    }

    private void Enqueue(PendingBlock block)
    {
        Interlocked.Increment(ref _pendingBlocks);
        if (!_blocks.Writer.TryWrite(block))
        {
            Interlocked.Decrement(ref _pendingBlocks);
            Interlocked.Add(ref _spansDropped, block.SpanCount);
        }
    }

    /// <summary>Forgets an open span; returns how many spans of its trace are still open, or null if it was not tracked.</summary>
    private int? Close(ActivitySpanId spanId)
    {
        if (!_open.Remove(spanId, out var entry))
        {
            return null;
        }

        var left = _openPerTrace[entry.TraceId] - 1;
        if (left <= 0)
        {
            _openPerTrace.Remove(entry.TraceId);
        }
        else
        {
            _openPerTrace[entry.TraceId] = left;
        }

        return left;
    }

    private void EvictOldest()
    {
        var oldest = _traces.MinBy(static pair => pair.Value.CreatedTimestamp);
        _traces.Remove(oldest.Key);
        Enqueue(new PendingBlock(oldest.Value.Spans, oldest.Value.Dropped, Complete: false));
    }

    private void PrintExpired()
    {
        ProcessPending();
        var now = _time.GetTimestamp();
        var maxAge = (long)(_options.MaxTraceAgeSeconds * _time.TimestampFrequency);
        List<PendingBlock>? blocks = null;
        lock (_lock)
        {
            foreach (var (traceId, fragment) in _traces.Where(pair => now - pair.Value.CreatedTimestamp >= maxAge).ToList())
            {
                _traces.Remove(traceId);
                (blocks ??= []).Add(new PendingBlock(fragment.Spans, fragment.Dropped, Complete: false));
            }

            // A span that never ends must not pin memory: forget open spans older than the age limit.
            foreach (var spanId in _open.Where(pair => now - pair.Value.Started >= maxAge).Select(static pair => pair.Key).ToList())
            {
                Close(spanId);
            }
        }

        foreach (var block in blocks ?? [])
        {
            Enqueue(block);
        }
    }

    private async Task WriteBlocksAsync()
    {
        await foreach (var block in _blocks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                _writer.Write(WaterfallRenderer.Render(block.Spans, block.NotHeld, block.Complete));
                _writer.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // A closed console must not take the process down; the block is lost, and counted.
                Interlocked.Add(ref _spansDropped, block.SpanCount);
            }
            finally
            {
                Interlocked.Decrement(ref _pendingBlocks);
            }
        }
    }

    /// <summary>A span start (<paramref name="Service"/> null, with its start timestamp) or end, waiting for the pump.</summary>
    private readonly record struct SpanEvent(Activity Activity, string? Service, long Timestamp);

    /// <summary>A trace handed to the writer: the spans held, how many more were not held, and whether its root had ended.</summary>
    private readonly record struct PendingBlock(List<WaterfallSpan> Spans, int NotHeld, bool Complete)
    {
        public int SpanCount => Spans.Count + NotHeld;
    }

    private sealed class Fragment(long createdTimestamp)
    {
        public long CreatedTimestamp { get; } = createdTimestamp;

        public List<WaterfallSpan> Spans { get; } = [];

        public int Dropped { get; set; }
    }
}

using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters.Batching;

/// <summary>
/// The ledger of one exporter (one per exporter name and host): every span its batch processor is
/// given ends up counted exactly once, as exported or as dropped for a <see cref="DropReason"/>, and
/// meanwhile as queued or in flight. The batch processor and the exporter write it; the
/// <c>Tracing.Sdk</c> meter and the operator log (<see cref="Health"/>) read it.
/// <para>
/// The calls a request thread makes (<see cref="SpanReceived"/>, <see cref="Dropped"/> for
/// <see cref="DropReason.QueueFull"/>) are one interlocked increment each: the queue-full count reaches
/// the <c>tracing.sdk.spans.dropped</c> counter from the export thread (<see cref="PublishQueueFull"/>),
/// not from the thread that ended the span.
/// </para>
/// </summary>
internal sealed class ExportAccounting
{
    private readonly TracingMetrics _metrics;
    private readonly long[] _dropped = new long[DropReasons.All.Length];
    private long _received;
    private long _exported;
    private long _exporterSettled;
    private long _retries;
    private long _queueFullPublished;
    private Func<long>? _queued;
    private Func<long>? _inFlight;
    private string? _lastFailure;

    public ExportAccounting(string exporter, TracingMetrics metrics, ExportHealth health)
    {
        Exporter = exporter;
        _metrics = metrics;
        Health = health;
    }

    /// <summary>The <c>exporter</c> tag value: <c>otlp</c>, <c>jaegerudp</c>.</summary>
    public string Exporter { get; }

    /// <summary>The operator log of this exporter's failures and drops.</summary>
    public ExportHealth Health { get; }

    /// <summary>The batch queue's capacity (0 while no processor is attached).</summary>
    public int QueueCapacity { get; private set; }

    /// <summary>Spans the exporter itself reported as sent or dropped, so far (the rest of a batch is settled by the processor).</summary>
    public long ExporterSettled => Volatile.Read(ref _exporterSettled);

    public long Received => Volatile.Read(ref _received);

    public long Queued => _queued?.Invoke() ?? 0;

    public long InFlight => _inFlight?.Invoke() ?? 0;

    public ExportTotals Totals
    {
        get
        {
            // Settled counts before the queue: a span moving meanwhile is counted twice, never missed.
            var dropped = new long[_dropped.Length];
            for (var i = 0; i < dropped.Length; i++)
            {
                dropped[i] = Volatile.Read(ref _dropped[i]);
            }

            var exported = Volatile.Read(ref _exported);
            var retries = Volatile.Read(ref _retries);
            var inFlight = InFlight;
            var queued = Queued;
            return new ExportTotals(Received, exported, dropped, queued, inFlight, retries);
        }
    }

    /// <summary>Called by the batch processor for each span it is given (ended and recorded).</summary>
    public void SpanReceived() => Interlocked.Increment(ref _received);

    /// <summary>Spans delivered (the collector or the kernel took them).</summary>
    public void Exported(long count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _exported, count);
        _metrics.SpansExported(Exporter, count, success: true);
    }

    /// <summary>Spans lost, for <paramref name="reason"/>.</summary>
    public void Dropped(DropReason reason, long count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _dropped[(int)reason], count);
        if (reason == DropReason.QueueFull)
        {
            // A request thread: the counter is brought up to date by the export thread.
            return;
        }

        _metrics.SpansDropped(Exporter, DropReasons.Name(reason), count);
        if (reason is DropReason.ExportFailed or DropReason.TooLarge or DropReason.SocketFailure or DropReason.EncodingFailure)
        {
            // Handed to the exporter and not delivered (the meaning tracing.sdk.spans.exported has always had).
            _metrics.SpansExported(Exporter, count, success: false);
        }
    }

    /// <summary>Called by an exporter, from its <c>Export</c>, for spans it delivered.</summary>
    public void ExporterSent(long count)
    {
        Exported(count);
        Interlocked.Add(ref _exporterSettled, Math.Max(0, count));
    }

    /// <summary>Called by an exporter, from its <c>Export</c>, for spans it lost.</summary>
    public void ExporterDropped(DropReason reason, long count)
    {
        Dropped(reason, count);
        Interlocked.Add(ref _exporterSettled, Math.Max(0, count));
    }

    /// <summary>One more attempt at an export that failed transiently; <paramref name="reason"/> is the failure it follows.</summary>
    public void Retried(string reason)
    {
        Interlocked.Increment(ref _retries);
        _metrics.ExportRetried(Exporter, reason);
    }

    /// <summary>
    /// What the last failed attempt was, for the operator log: a status or an error kind, never a
    /// header, a body or a message the collector sent.
    /// </summary>
    public void NoteFailure(string description) => Volatile.Write(ref _lastFailure, description);

    /// <summary>The failure noted since the last call, if any.</summary>
    public string? TakeFailure() => Interlocked.Exchange(ref _lastFailure, null);

    /// <summary>Makes the processor's queue visible (<c>tracing.sdk.queue.size</c>, <c>tracing.sdk.export.in_flight</c>).</summary>
    public void AttachQueue(int capacity, Func<long> queued, Func<long> inFlight)
    {
        QueueCapacity = capacity;
        _queued = queued;
        _inFlight = inFlight;
    }

    /// <summary>Adds the queue-full drops counted since the last call to <c>tracing.sdk.spans.dropped</c>.</summary>
    public void PublishQueueFull()
    {
        while (true)
        {
            var published = Volatile.Read(ref _queueFullPublished);
            var total = Volatile.Read(ref _dropped[(int)DropReason.QueueFull]);
            if (total <= published)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _queueFullPublished, total, published) == published)
            {
                _metrics.SpansDropped(Exporter, DropReasons.QueueFull, total - published);
                return;
            }
        }
    }

    /// <summary>Spans the full queue has dropped so far (real time; also what Jaeger's <c>ClientStats.fullQueueDroppedSpans</c> reports).</summary>
    public long QueueFullDropped => Volatile.Read(ref _dropped[(int)DropReason.QueueFull]);
}

using System.Diagnostics;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Packs spans into <c>Agent.emitBatch(Batch)</c> datagrams of at most the configured size, each
/// filled as far as it goes, with no allocation per span.
/// <para>
/// One buffer holds the datagram being filled. Spans are serialised straight into it after a gap
/// reserved for the frame header; the header (message, <c>Batch.process</c>, the span list's size,
/// which is only known at the end) is written right-aligned into that gap when the datagram is sent,
/// and <c>seqNo</c> + <c>ClientStats</c> follow the spans. A span that would overflow the datagram is
/// serialised anyway (the buffer has room for one more), the datagram before it is sent, and its
/// bytes slide to the front. A span too large even alone is shrunk (events dropped, then long values
/// cut) and dropped only if it still does not fit; both are counted.
/// </para>
/// </summary>
internal sealed class JaegerDatagramAssembler
{
    /// <summary>
    /// Upper bound of what follows the spans: <c>seqNo</c> (field header + i64), <c>stats</c> (field
    /// header + three i64 fields + stop) and the stops of Batch and of the call's arguments. 50 bytes
    /// in the binary protocol, less in compact.
    /// </summary>
    public const int MaxTrailerSize = 64;

    // After events, values are cut ever shorter until the span fits.
    private static readonly SpanLimits[] s_shrinkSteps =
    [
        new(false, int.MaxValue),
        new(false, 4096),
        new(false, 1024),
        new(false, 256),
        new(false, 64),
        new(false, 16),
    ];

    private readonly ThriftWriter _spanWriter;
    private readonly ThriftWriter _frameWriter;
    private readonly JaegerSpanWriter _spans;
    private readonly byte[] _process;
    private readonly byte[] _header;
    private readonly byte[] _buffer;
    private readonly byte[] _stash = new byte[MaxTrailerSize];
    private readonly int _spansStart;
    private readonly int _budget;
    private readonly DatagramSink _sink;
    private readonly Func<long>? _queueDropped;

    private int _cursor;
    private int _count;
    private long _seqNo;
    private long _spansSent;
    private long _spansFailed;
    private long _spansTooLarge;
    private long _spansUnencodable;
    private long _spansTruncated;
    private long _datagramsSent;
    private long _datagramsFailed;

    /// <param name="compact">Thrift compact protocol (else binary).</param>
    /// <param name="maxPacketSize">The largest datagram, in bytes.</param>
    /// <param name="process">The serialised <c>Process</c> struct (same protocol), sent in every datagram.</param>
    /// <param name="sink">Sends a finished datagram.</param>
    /// <param name="queueDropped">The batch queue's running total of spans dropped when full, for <c>ClientStats</c>.</param>
    public JaegerDatagramAssembler(bool compact, int maxPacketSize, byte[] process, DatagramSink sink, Func<long>? queueDropped = null)
    {
        _spanWriter = compact ? new ThriftCompactWriter() : new ThriftBinaryWriter();
        _frameWriter = compact ? new ThriftCompactWriter() : new ThriftBinaryWriter();
        _spans = new JaegerSpanWriter(compact);
        _process = process;
        _sink = sink;
        _queueDropped = queueDropped;

        var maxListHeader = compact ? ThriftCompactWriter.MaxListHeaderSize : ThriftBinaryWriter.MaxListHeaderSize;
        _header = new byte[process.Length + 64 + maxListHeader];
        _frameWriter.Reset(_header, 0, _header.Length);
        WriteFrameStart();
        var fixedHeader = _frameWriter.Position;

        _spansStart = fixedHeader + maxListHeader;
        _budget = maxPacketSize - _spansStart - MaxTrailerSize;
        _buffer = new byte[_spansStart + (2 * Math.Max(0, _budget)) + MaxTrailerSize];
        _cursor = _spansStart;
    }

    /// <summary>Bytes one span may take and still fit a datagram alone; &lt;= 0 when the frame leaves no room.</summary>
    public int SpanBudget => _budget;

    public JaegerSendTotals Totals => new(_spansSent, _spansFailed, _spansTooLarge, _spansUnencodable, _spansTruncated, _datagramsSent, _datagramsFailed);

    /// <summary>Adds a span, sending the current datagram first if the span does not fit in it.</summary>
    public void Append(Activity activity)
    {
        var start = _cursor;
        if (!TrySerialize(activity, start))
        {
            return;
        }

        var end = _spanWriter.Position;
        if (end - _spansStart > _budget)
        {
            // Send what came before. The trailer goes where this span begins, so keep those bytes aside.
            var saved = Math.Min(MaxTrailerSize, end - start);
            _buffer.AsSpan(start, saved).CopyTo(_stash);
            Send(start);
            _stash.AsSpan(0, saved).CopyTo(_buffer.AsSpan(start));
            _buffer.AsSpan(start, end - start).CopyTo(_buffer.AsSpan(_spansStart));
            end = _spansStart + (end - start);
        }

        _cursor = end;
        _count++;
    }

    /// <summary>Sends the datagram being filled, if it holds any span.</summary>
    public void Flush() => Send(_cursor);

    /// <summary>Lets go of scratch space that grew for an unusually large value.</summary>
    public void Trim() => _spans.Trim();

    private bool TrySerialize(Activity activity, int start)
    {
        try
        {
            _spanWriter.Reset(_buffer, start, start + Math.Max(0, _budget));
            _spans.Write(_spanWriter, activity, SpanLimits.Whole);
            if (!_spanWriter.Overflowed)
            {
                return true;
            }

            foreach (var limits in s_shrinkSteps)
            {
                _spanWriter.Reset(_buffer, start, start + Math.Max(0, _budget));
                _spans.Write(_spanWriter, activity, limits);
                if (!_spanWriter.Overflowed)
                {
                    _spansTruncated++;
                    return true;
                }
            }

            _spansTooLarge++;
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing of the span was kept (the cursor has not moved); the datagram goes on without it.
            _spansUnencodable++;
            TracingEventSource.Log.ComponentFailed(nameof(JaegerDatagramAssembler), ex.Message);
            return false;
        }
    }

    private void Send(int spansEnd)
    {
        if (_count == 0)
        {
            return;
        }

        _seqNo++;
        _frameWriter.Reset(_header, 0, _header.Length);
        WriteFrameStart();
        _frameWriter.WriteListBegin(ThriftType.Struct, _count);
        var headerLength = _frameWriter.Position;

        // The trailer continues the same Batch struct after the spans (compact field ids are deltas).
        _frameWriter.MoveTo(_buffer, spansEnd, spansEnd + MaxTrailerSize);
        _frameWriter.WriteFieldBegin(ThriftType.I64, JaegerIdl.BatchSeqNo);
        _frameWriter.WriteI64(_seqNo);
        _frameWriter.WriteFieldBegin(ThriftType.Struct, JaegerIdl.BatchStats);
        _frameWriter.WriteStructBegin();
        _frameWriter.WriteFieldBegin(ThriftType.I64, JaegerIdl.StatsFullQueueDroppedSpans);
        _frameWriter.WriteI64(QueueDropped());
        _frameWriter.WriteFieldBegin(ThriftType.I64, JaegerIdl.StatsTooLargeDroppedSpans);
        _frameWriter.WriteI64(_spansTooLarge);
        _frameWriter.WriteFieldBegin(ThriftType.I64, JaegerIdl.StatsFailedToEmitSpans);
        _frameWriter.WriteI64(_spansFailed + _spansUnencodable);
        _frameWriter.WriteFieldStop();
        _frameWriter.WriteStructEnd();
        _frameWriter.WriteFieldStop(); // Batch
        _frameWriter.WriteStructEnd();
        _frameWriter.WriteFieldStop(); // emitBatch_args
        _frameWriter.WriteStructEnd();
        Debug.Assert(!_frameWriter.Overflowed, "the trailer bound is too small");

        var datagramStart = _spansStart - headerLength;
        _header.AsSpan(0, headerLength).CopyTo(_buffer.AsSpan(datagramStart));
        var datagram = _buffer.AsSpan(datagramStart, _frameWriter.Position - datagramStart);

        bool sent;
        try
        {
            sent = _sink(datagram, _count);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TracingEventSource.Log.ComponentFailed(nameof(JaegerDatagramAssembler), ex.Message);
            sent = false;
        }

        if (sent)
        {
            _spansSent += _count;
            _datagramsSent++;
        }
        else
        {
            _spansFailed += _count;
            _datagramsFailed++;
        }

        _count = 0;
        _cursor = _spansStart;
    }

    private long QueueDropped()
    {
        try
        {
            return _queueDropped?.Invoke() ?? 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return 0;
        }
    }

    /// <summary>Everything before the span list's size: the call, its argument struct, Batch.process, the spans field.</summary>
    private void WriteFrameStart()
    {
        // A oneway call gets no reply for a sequence id to match: it is always 0, which keeps the header size fixed.
        _frameWriter.WriteMessageBegin(JaegerIdl.EmitBatch, ThriftWriter.OnewayMessage, 0);
        _frameWriter.WriteStructBegin(); // emitBatch_args
        _frameWriter.WriteFieldBegin(ThriftType.Struct, JaegerIdl.EmitBatchBatch);
        _frameWriter.WriteStructBegin(); // Batch
        _frameWriter.WriteFieldBegin(ThriftType.Struct, JaegerIdl.BatchProcess);
        _frameWriter.WriteRaw(_process);
        _frameWriter.WriteFieldBegin(ThriftType.List, JaegerIdl.BatchSpans);
    }
}

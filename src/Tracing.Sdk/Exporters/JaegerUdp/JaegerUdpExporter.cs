using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// Exports spans to a Jaeger agent over UDP as <c>Agent.emitBatch</c> calls (Thrift compact or
/// binary). Runs on the batch processor's thread; never throws; every span ends up counted as sent,
/// dropped as too large, or failed (socket or DNS trouble), here and in the <c>ClientStats</c> the agent sees.
/// </summary>
internal sealed class JaegerUdpExporter : BaseExporter<Activity>
{
    private readonly bool _compact;
    private readonly int _maxPacketSize;
    private readonly string _serviceName;
    private readonly TracingMetrics _metrics;
    private readonly ExportAccounting _accounting;
    private readonly JaegerAgentClient _client;
    private readonly string _clientUuid = Guid.NewGuid().ToString();
    private readonly object _gate = new();
    private readonly DatagramSink _sink;
    private JaegerDatagramAssembler? _assembler;
    private bool _stopped;

    public JaegerUdpExporter(
        JaegerUdpOptions options,
        string serviceName,
        TracingMetrics metrics,
        TimeProvider timeProvider,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _compact = JaegerUdpProtocols.IsCompact(options.Protocol);
        _maxPacketSize = options.MaxPacketSize;
        _serviceName = serviceName;
        _metrics = metrics;
        _accounting = metrics.ForExporter(ExporterNames.JaegerUdp);
        _client = new JaegerAgentClient(options.Host, options.Port, timeProvider, resolve);
        _sink = (datagram, _) => _client.Send(datagram);
    }

    /// <summary>The agent's socket and address (for tests).</summary>
    internal JaegerAgentClient Client => _client;

    /// <summary>Where datagrams go now (null until the host resolves).</summary>
    public IPEndPoint? Endpoint
    {
        get
        {
            lock (_gate)
            {
                return _client.Endpoint;
            }
        }
    }

    /// <summary>What has happened to the spans so far.</summary>
    public JaegerSendTotals Totals
    {
        get
        {
            lock (_gate)
            {
                return _assembler?.Totals ?? default;
            }
        }
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return ExportResult.Failure;
            }

            try
            {
                var assembler = _assembler ??= CreateAssembler();
                var before = assembler.Totals;
                foreach (var activity in batch)
                {
                    assembler.Append(activity);
                }

                assembler.Flush();
                assembler.Trim();
                var after = assembler.Totals;
                Report(before, after);
                return after.SpansFailed == before.SpansFailed && after.SpansUnencodable == before.SpansUnencodable
                    ? ExportResult.Success
                    : ExportResult.Failure;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TracingEventSource.Log.ExportFailed(ExporterNames.JaegerUdp, ex.Message);
                return ExportResult.Failure;
            }
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        Stop();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
        }

        base.Dispose(disposing);
    }

    private void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _client.Dispose();
        }
    }

    private JaegerDatagramAssembler CreateAssembler()
    {
        // The provider's resource becomes the Process; ParentProvider is set once the processor holding
        // this exporter is added to a provider (null only when used on its own).
        var attributes = ParentProvider?.GetResource().Attributes ?? [];
        var serviceName = attributes.FirstOrDefault(static a => a.Key == JaegerProcessWriter.ServiceNameAttribute).Value as string ?? _serviceName;
        var assembler = Create(attributes);
        if (assembler.SpanBudget <= 0)
        {
            // The resource alone would fill the datagram: send the process without its tags rather than nothing.
            TracingEventSource.Log.ExportFailed(ExporterNames.JaegerUdp, $"the resource does not fit MaxPacketSize={_maxPacketSize}; sending the process without resource tags");
            assembler = Create([]);
        }

        return assembler;

        JaegerDatagramAssembler Create(IEnumerable<KeyValuePair<string, object>> tags)
        {
            var writer = _compact ? (ThriftWriter)new ThriftCompactWriter() : new ThriftBinaryWriter();
            var process = JaegerProcessWriter.Serialize(writer, serviceName, tags, _clientUuid);
            // ClientStats.fullQueueDroppedSpans: what the batch queue in front of this exporter dropped.
            return new JaegerDatagramAssembler(_compact, _maxPacketSize, process, _sink, () => _accounting.QueueFullDropped);
        }
    }

    private void Report(JaegerSendTotals before, JaegerSendTotals after)
    {
        const string name = ExporterNames.JaegerUdp;

        // Per datagram, so the exporter settles its spans itself: the batch processor settles only
        // what is left (nothing, unless this threw half-way).
        _accounting.ExporterSent(after.SpansSent - before.SpansSent);
        _accounting.ExporterDropped(DropReason.SocketFailure, after.SpansFailed - before.SpansFailed);
        _accounting.ExporterDropped(DropReason.TooLarge, after.SpansTooLarge - before.SpansTooLarge);
        _accounting.ExporterDropped(DropReason.EncodingFailure, after.SpansUnencodable - before.SpansUnencodable);
        if (after.SpansFailed > before.SpansFailed)
        {
            _accounting.NoteFailure($"sending to the agent failed: {_client.LastError}");
        }

        var truncated = after.SpansTruncated - before.SpansTruncated;
        if (truncated > 0)
        {
            _metrics.SpansTruncated(name, truncated);
        }

        var datagrams = after.DatagramsSent - before.DatagramsSent;
        if (datagrams > 0)
        {
            _metrics.DatagramsSent(name, datagrams);
        }
    }
}

using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using Tracing.Sdk.Diagnostics;

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
    private readonly JaegerAgentClient _client;
    private readonly string _clientUuid = Guid.NewGuid().ToString();
    private readonly object _gate = new();
    private readonly DatagramSink _sink;
    private JaegerDatagramAssembler? _assembler;
    private Func<long>? _queueDropped;
    private bool _stopped;

    public JaegerUdpExporter(
        JaegerUdpOptions options,
        string serviceName,
        TracingMetrics metrics,
        TimeProvider timeProvider,
        Func<string, IPAddress[]>? resolve = null)
    {
        _compact = JaegerUdpProtocols.IsCompact(options.Protocol);
        _maxPacketSize = options.MaxPacketSize;
        _serviceName = serviceName;
        _metrics = metrics;
        _client = new JaegerAgentClient(options.Host, options.Port, timeProvider, resolve);
        _sink = (datagram, _) => _client.Send(datagram);
    }

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

    /// <summary>Reports <paramref name="processor"/>'s queue-full drops to the agent (<c>ClientStats.fullQueueDroppedSpans</c>).</summary>
    public void ObserveQueueDrops(BatchExportProcessor<Activity> processor) =>
        _queueDropped = () => BatchProcessorFactory.DroppedCount(processor) ?? 0;

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
            return new JaegerDatagramAssembler(_compact, _maxPacketSize, process, _sink, _queueDropped);
        }
    }

    private void Report(JaegerSendTotals before, JaegerSendTotals after)
    {
        const string name = ExporterNames.JaegerUdp;
        var sent = after.SpansSent - before.SpansSent;
        var failed = after.SpansFailed - before.SpansFailed;
        var tooLarge = after.SpansTooLarge - before.SpansTooLarge;
        var unencodable = after.SpansUnencodable - before.SpansUnencodable;
        var truncated = after.SpansTruncated - before.SpansTruncated;
        var datagrams = after.DatagramsSent - before.DatagramsSent;

        if (sent > 0)
        {
            _metrics.SpansExported(name, sent, success: true);
        }

        if (failed + tooLarge + unencodable > 0)
        {
            _metrics.SpansExported(name, failed + tooLarge + unencodable, success: false);
        }

        if (failed > 0)
        {
            _metrics.SpansDropped(name, "socket_failure", failed);
        }

        if (tooLarge > 0)
        {
            _metrics.SpansDropped(name, "too_large", tooLarge);
        }

        if (unencodable > 0)
        {
            _metrics.SpansDropped(name, "encoding_failure", unencodable);
        }

        if (truncated > 0)
        {
            _metrics.SpansTruncated(name, truncated);
        }

        if (datagrams > 0)
        {
            _metrics.DatagramsSent(name, datagrams);
        }
    }
}

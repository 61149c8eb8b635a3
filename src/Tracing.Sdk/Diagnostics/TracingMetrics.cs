using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracing.Sdk.Exporters.Batching;

namespace Tracing.Sdk.Diagnostics;

/// <summary>
/// The SDK's own counters, on one <see cref="Meter"/> named <c>Tracing.Sdk</c> per host (created by
/// the host's <see cref="IMeterFactory"/>, so hosts in one process count apart), and the per-exporter
/// ledgers (<see cref="ExportAccounting"/>) behind the export instruments.
/// </summary>
internal sealed class TracingMetrics : IDisposable
{
    public const string MeterName = "Tracing.Sdk";

    private readonly Meter _meter;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Counter<long> _spansExported;
    private readonly Counter<long> _spansDropped;
    private readonly Counter<long> _exportRetries;
    private readonly Counter<long> _invalidContexts;
    private readonly Counter<long> _baggageDropped;
    private readonly Counter<long> _debugRefused;
    private readonly Counter<long> _spansTruncated;
    private readonly Counter<long> _datagramsSent;
    private readonly List<Func<IEnumerable<Measurement<long>>>> _observedDrops = [];
    private readonly List<ExportAccounting> _exporters = [];

    public TracingMetrics(IMeterFactory? meterFactory = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _loggerFactory = loggerFactory;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _spansExported = _meter.CreateCounter<long>(
            "tracing.sdk.spans.exported", "{span}", "Spans handed to an exporter, by exporter and outcome (success | failure, after retries).");
        _spansDropped = _meter.CreateCounter<long>(
            "tracing.sdk.spans.dropped", "{span}", "Spans lost, by exporter and reason (queue_full | export_failed | shutdown_timeout | already_shutdown | too_large | socket_failure | encoding_failure).");
        _exportRetries = _meter.CreateCounter<long>(
            "tracing.sdk.export.retries", "{request}", "Export requests sent again after a transient failure, by exporter and the failure (reason).");
        _spansTruncated = _meter.CreateCounter<long>(
            "tracing.sdk.spans.truncated", "{span}", "Spans shrunk to fit an exporter's size limit (events left out, long values cut) and sent, by exporter.");
        _datagramsSent = _meter.CreateCounter<long>(
            "tracing.sdk.datagrams.sent", "{datagram}", "UDP datagrams handed to the network, by exporter.");
        _invalidContexts = _meter.CreateCounter<long>(
            "tracing.sdk.propagation.invalid", "{header}", "Incoming trace-context headers ignored as malformed, by format.");
        _baggageDropped = _meter.CreateCounter<long>(
            "tracing.sdk.propagation.baggage.dropped", "{entry}", "Incoming baggage entries left out for exceeding a limit, by format and reason (member_count | member_size | total_size).");
        _debugRefused = _meter.CreateCounter<long>(
            "tracing.sdk.sampling.debug.refused", "{request}", "Requests to force sampling (jaeger-debug-id, B3 debug, Jaeger debug flag) from callers outside TrustedNetworks refused beyond Sampler:Debug:MaxPerSecond; each was sampled as if it had no debug header.");
        _meter.CreateObservableCounter(
            "tracing.sdk.spans.dropped.queue_full", ObserveQueueFull, "{span}", "Spans dropped because an export queue was full, by exporter (the same count as tracing.sdk.spans.dropped with reason=queue_full, without its delay).");
        _meter.CreateObservableCounter(
            "tracing.sdk.spans.received", () => ObserveExporters(static a => a.Received), "{span}", "Spans given to an exporter's batch queue (ended and sampled), by exporter.");
        _meter.CreateObservableUpDownCounter(
            "tracing.sdk.queue.size", () => ObserveExporters(static a => a.Queued), "{span}", "Spans waiting in an exporter's batch queue, by exporter.");
        _meter.CreateObservableUpDownCounter(
            "tracing.sdk.queue.capacity", () => ObserveExporters(static a => a.QueueCapacity), "{span}", "The size of an exporter's batch queue (Batch:MaxQueueSize), by exporter.");
        _meter.CreateObservableUpDownCounter(
            "tracing.sdk.export.in_flight", () => ObserveExporters(static a => a.InFlight), "{span}", "Spans in the export call under way, by exporter.");
    }

    public Meter Meter => _meter;

    /// <summary>The clock of the export pipeline's schedules and log rate limits (the host's <see cref="System.TimeProvider"/>, if it registers one).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The ledger of <paramref name="exporter"/>, created on first use.</summary>
    public ExportAccounting ForExporter(string exporter)
    {
        lock (_exporters)
        {
            foreach (var existing in _exporters)
            {
                if (string.Equals(existing.Exporter, exporter, StringComparison.Ordinal))
                {
                    return existing;
                }
            }

            var logger = _loggerFactory?.CreateLogger(ExportLog.Category) ?? NullLogger.Instance;
            var accounting = new ExportAccounting(exporter, this, new ExportHealth(exporter, logger, TimeProvider));
            _exporters.Add(accounting);
            return accounting;
        }
    }

    public void SpansExported(string exporter, long count, bool success) =>
        _spansExported.Add(count, new("exporter", exporter), new("outcome", success ? "success" : "failure"));

    public void SpansDropped(string exporter, string reason, long count) =>
        _spansDropped.Add(count, new("exporter", exporter), new("reason", reason));

    public void ExportRetried(string exporter, string reason) =>
        _exportRetries.Add(1, new("exporter", exporter), new("reason", reason));

    public void SpansTruncated(string exporter, long count) => _spansTruncated.Add(count, new KeyValuePair<string, object?>("exporter", exporter));

    public void DatagramsSent(string exporter, long count) => _datagramsSent.Add(count, new KeyValuePair<string, object?>("exporter", exporter));

    public void InvalidContext(string format) => _invalidContexts.Add(1, new KeyValuePair<string, object?>("format", format));

    public void BaggageDropped(string format, string reason) => _baggageDropped.Add(1, new("format", format), new("reason", reason));

    public void DebugRefused() => _debugRefused.Add(1);

    /// <summary>Adds a source of queue-full drop counts outside the batch processors (the console writer's running total).</summary>
    public void ObserveQueueDrops(string exporter, Func<long> droppedSoFar)
    {
        lock (_observedDrops)
        {
            _observedDrops.Add(() => [new Measurement<long>(droppedSoFar(), new KeyValuePair<string, object?>("exporter", exporter))]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveQueueFull()
    {
        List<Measurement<long>> measurements;
        lock (_observedDrops)
        {
            measurements = _observedDrops.SelectMany(static observe => observe()).ToList();
        }

        measurements.AddRange(ObserveExporters(static a => a.QueueFullDropped));
        return measurements;
    }

    private List<Measurement<long>> ObserveExporters(Func<ExportAccounting, long> read)
    {
        lock (_exporters)
        {
            return _exporters
                .Where(static a => a.QueueCapacity > 0)
                .Select(a => new Measurement<long>(read(a), new KeyValuePair<string, object?>("exporter", a.Exporter)))
                .ToList();
        }
    }

    public void Dispose() => _meter.Dispose();
}

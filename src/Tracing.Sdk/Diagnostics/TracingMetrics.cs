using System.Diagnostics.Metrics;

namespace Tracing.Sdk.Diagnostics;

/// <summary>
/// The SDK's own counters, on one <see cref="Meter"/> named <c>Tracing.Sdk</c> per host (created by
/// the host's <see cref="IMeterFactory"/>, so hosts in one process count apart).
/// </summary>
internal sealed class TracingMetrics : IDisposable
{
    public const string MeterName = "Tracing.Sdk";

    private readonly Meter _meter;
    private readonly Counter<long> _spansExported;
    private readonly Counter<long> _spansDropped;
    private readonly Counter<long> _invalidContexts;
    private readonly Counter<long> _baggageDropped;
    private readonly Counter<long> _spansTruncated;
    private readonly Counter<long> _datagramsSent;
    private readonly List<Func<IEnumerable<Measurement<long>>>> _observedDrops = [];

    public TracingMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _spansExported = _meter.CreateCounter<long>(
            "tracing.sdk.spans.exported", "{span}", "Spans handed to an exporter, by exporter and outcome (success | failure).");
        _spansDropped = _meter.CreateCounter<long>(
            "tracing.sdk.spans.dropped", "{span}", "Spans lost before export, by exporter and reason.");
        _spansTruncated = _meter.CreateCounter<long>(
            "tracing.sdk.spans.truncated", "{span}", "Spans shrunk to fit an exporter's size limit (events left out, long values cut) and sent, by exporter.");
        _datagramsSent = _meter.CreateCounter<long>(
            "tracing.sdk.datagrams.sent", "{datagram}", "UDP datagrams handed to the network, by exporter.");
        _invalidContexts = _meter.CreateCounter<long>(
            "tracing.sdk.propagation.invalid", "{header}", "Incoming trace-context headers ignored as malformed, by format.");
        _baggageDropped = _meter.CreateCounter<long>(
            "tracing.sdk.propagation.baggage.dropped", "{entry}", "Incoming baggage entries left out for exceeding a limit, by format and reason (member_count | member_size | total_size).");
        _meter.CreateObservableCounter(
            "tracing.sdk.spans.dropped.queue_full", ObserveDrops, "{span}", "Spans dropped because an export queue was full, by exporter.");
    }

    public Meter Meter => _meter;

    public void SpansExported(string exporter, long count, bool success) =>
        _spansExported.Add(count, new("exporter", exporter), new("outcome", success ? "success" : "failure"));

    public void SpansDropped(string exporter, string reason, long count) =>
        _spansDropped.Add(count, new("exporter", exporter), new("reason", reason));

    public void SpansTruncated(string exporter, long count) => _spansTruncated.Add(count, new KeyValuePair<string, object?>("exporter", exporter));

    public void DatagramsSent(string exporter, long count) => _datagramsSent.Add(count, new KeyValuePair<string, object?>("exporter", exporter));

    public void InvalidContext(string format) => _invalidContexts.Add(1, new KeyValuePair<string, object?>("format", format));

    public void BaggageDropped(string format, string reason) => _baggageDropped.Add(1, new("format", format), new("reason", reason));

    /// <summary>Adds a source of queue-full drop counts (a batch processor's running total).</summary>
    public void ObserveQueueDrops(string exporter, Func<long> droppedSoFar)
    {
        lock (_observedDrops)
        {
            _observedDrops.Add(() => [new Measurement<long>(droppedSoFar(), new KeyValuePair<string, object?>("exporter", exporter))]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveDrops()
    {
        lock (_observedDrops)
        {
            return _observedDrops.SelectMany(static observe => observe()).ToList();
        }
    }

    public void Dispose() => _meter.Dispose();
}

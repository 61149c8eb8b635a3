using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Propagation;

namespace Tracing.Sdk.Tests.Support;

/// <summary>A header collection as HTTP has it: case-insensitive names, several values per name.</summary>
internal sealed class HeaderCarrier : ICarrierKeys
{
    public static readonly Func<HeaderCarrier, string, IEnumerable<string>?> Getter =
        static (carrier, name) => carrier._headers.TryGetValue(name, out var values) ? values : null;

    public static readonly Action<HeaderCarrier, string, string> Setter = static (carrier, name, value) => carrier.Add(name, value);

    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    public HeaderCarrier(params (string Name, string Value)[] headers)
    {
        foreach (var (name, value) in headers)
        {
            Add(name, value);
        }
    }

    public IEnumerable<string>? Keys => _headers.Keys;

    public IReadOnlyCollection<string> Names => _headers.Keys;

    public int Count => _headers.Count;

    public HeaderCarrier Add(string name, string value)
    {
        if (!_headers.TryGetValue(name, out var values))
        {
            _headers[name] = values = [];
        }

        values.Add(value);
        return this;
    }

    public IReadOnlyList<string> Values(string name) => _headers.TryGetValue(name, out var values) ? values : [];

    public string? this[string name] => _headers.TryGetValue(name, out var values) ? Assert.Single(values) : null;
}

/// <summary>Propagation diagnostics whose invalid-header and dropped-baggage counters a test can read.</summary>
internal sealed class CountedDiagnostics : IDisposable
{
    private readonly TracingMetrics _metrics = new(new TestMeterFactory());
    private readonly MetricCollector<long> _collector;
    private readonly MetricCollector<long> _baggageDropped;

    public CountedDiagnostics()
    {
        Diagnostics = new PropagationDiagnostics(_metrics);
        _collector = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.propagation.invalid");
        _baggageDropped = new MetricCollector<long>(_metrics.Meter, "tracing.sdk.propagation.baggage.dropped");
    }

    /// <summary>Baggage entries of <paramref name="format"/> left out for <paramref name="reason"/>.</summary>
    public long BaggageDropped(string format, string reason) =>
        _baggageDropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["format"], format) && Equals(m.Tags["reason"], reason)).Sum(m => m.Value);

    public long BaggageDroppedTotal => _baggageDropped.GetMeasurementSnapshot().Sum(m => m.Value);

    public PropagationDiagnostics Diagnostics { get; }

    public long Invalid(string format) =>
        _collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["format"], format)).Sum(m => m.Value);

    public long InvalidTotal => _collector.GetMeasurementSnapshot().Sum(m => m.Value);

    public void Dispose()
    {
        _collector.Dispose();
        _baggageDropped.Dispose();
        _metrics.Dispose();
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

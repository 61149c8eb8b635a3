using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Tracing.Sdk.Metrics;

/// <summary>
/// Counts ended spans into series, one host's. Calls are counted here, per series, with one interlocked
/// add, and published by an observable counter; durations go to a histogram whose buckets the metrics
/// pipeline aggregates, recorded while the span is <see cref="Activity.Current"/> so that OpenTelemetry's
/// trace-based exemplar filter links the bucket to it when (and only when) it is sampled.
/// <para>
/// Cardinality: at most <see cref="SpanMetricsSettings.MaxSeries"/> series are made; a span of any other
/// dimension set is counted in one overflow series (<c>otel.metric.overflow=true</c> and
/// <c>service.name</c>, as the OpenTelemetry metrics SDK marks its own overflow) and in the
/// <c>tracing.sdk.span_metrics.overflow</c> counter. A dimension set that overflowed is not remembered,
/// so memory stays bounded whatever the names. Lookups are lock-free; adding a series takes the lock of
/// one bucket of a concurrent dictionary.
/// </para>
/// </summary>
internal sealed class SpanMetricsRecorder
{
    private static readonly object[] s_boxedCodes = Enumerable.Range(0, 600).Select(static i => (object)i).ToArray();

    private readonly ConcurrentDictionary<SeriesKey, SpanSeries> _series = new();
    private readonly SpanSeries _overflow;
    private readonly Histogram<double> _duration;
    private readonly string _serviceName;

    // The series found last: a service's traffic is mostly a few operations, and a hit here skips hashing
    // the span name (a reference compare first, as route names are cached strings).
    private SpanSeries? _last;
    private int _seriesCount;
    private long _overflowed;

    public SpanMetricsRecorder(SpanMetricsSettings settings, string serviceName, Meter meter, Meter diagnostics)
    {
        Settings = settings;
        _serviceName = serviceName;
        _overflow = new SpanSeries(default, [new(SpanMetricNames.ServiceName, serviceName), new(SpanMetricNames.OverflowAttribute, true)]);

        // Names, unit and default buckets of the Collector's spanmetrics connector; the calls sum has no unit there.
        meter.CreateObservableCounter(
            SpanMetricNames.Calls,
            ObserveCalls,
            unit: null,
            description: "Spans ended, sampled or not, by service, span name, kind and status.");
        _duration = meter.CreateHistogram(
            SpanMetricNames.Duration,
            SpanMetricNames.DurationUnit,
            "Span durations, sampled or not, by service, span name, kind and status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = settings.Buckets });
        diagnostics.CreateObservableCounter(
            SpanMetricNames.Overflow,
            () => Volatile.Read(ref _overflowed),
            "{span}",
            "Spans counted in the span metrics overflow series because the series limit was reached.");
    }

    public SpanMetricsSettings Settings { get; }

    /// <summary>Spans counted in the overflow series so far.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    /// <summary>Series made so far (the overflow series not included).</summary>
    public int SeriesCount => Volatile.Read(ref _seriesCount);

    /// <summary>Counts <paramref name="span"/>, which ended as <paramref name="outcome"/> says.</summary>
    public void Record(Activity span, in SpanOutcome outcome)
    {
        var series = Resolve(outcome);
        series.Count();
        if (!_duration.Enabled)
        {
            return;
        }

        var milliseconds = outcome.Duration.TotalMilliseconds;
        var current = Activity.Current;
        if (ReferenceEquals(current, span) || current is not { Recorded: true })
        {
            _duration.Record(milliseconds, series.Tags);
        }
        else
        {
            RecordWithoutExemplar(milliseconds, series);
        }
    }

    /// <summary>
    /// Every series with its calls so far, for the observable counter (and tests). Enumerating the
    /// dictionary takes none of its locks, so a collection never holds up a request adding a series.
    /// </summary>
    public IEnumerable<SpanSeries> Snapshot()
    {
        var all = new List<SpanSeries>(Volatile.Read(ref _seriesCount) + 1);
        foreach (var pair in _series)
        {
            all.Add(pair.Value);
        }

        if (_overflow.Calls > 0)
        {
            all.Add(_overflow);
        }

        return all;
    }

    private SpanSeries Resolve(in SpanOutcome outcome)
    {
        var settings = Settings;
        var key = new SeriesKey(
            outcome.Name,
            outcome.Kind,
            outcome.Status,
            settings.HttpStatusDimension ? outcome.HttpStatusCode : SpanOutcome.NoCode,
            settings.GrpcStatusDimension ? outcome.GrpcStatusCode : SpanOutcome.NoCode);
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Key.Equals(key))
        {
            return last;
        }

        if (!_series.TryGetValue(key, out var series))
        {
            return Add(key);
        }

        Volatile.Write(ref _last, series);
        return series;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SpanSeries Add(SeriesKey key)
    {
        if (Volatile.Read(ref _seriesCount) >= Settings.MaxSeries)
        {
            Interlocked.Increment(ref _overflowed);
            return _overflow;
        }

        if (Interlocked.Increment(ref _seriesCount) > Settings.MaxSeries)
        {
            // Another thread took the last slot between the check and the increment.
            Interlocked.Decrement(ref _seriesCount);
            Interlocked.Increment(ref _overflowed);
            return _overflow;
        }

        var created = new SpanSeries(key, TagsOf(key));
        var series = _series.GetOrAdd(key, created);
        if (!ReferenceEquals(series, created))
        {
            // Another thread made the same series first: give the slot back.
            Interlocked.Decrement(ref _seriesCount);
        }

        return series;
    }

    private KeyValuePair<string, object?>[] TagsOf(SeriesKey key)
    {
        var tags = new List<KeyValuePair<string, object?>>(6)
        {
            new(SpanMetricNames.ServiceName, _serviceName),
            new(SpanMetricNames.SpanName, key.Name),
            new(SpanMetricNames.SpanKind, SpanMetricNames.KindValue(key.Kind)),
            new(SpanMetricNames.StatusCode, SpanMetricNames.StatusValue(key.Status)),
        };
        if (key.HttpStatusCode != SpanOutcome.NoCode)
        {
            tags.Add(new(SpanMetricNames.HttpResponseStatusCode, Box(key.HttpStatusCode)));
        }

        if (key.GrpcStatusCode != SpanOutcome.NoCode)
        {
            tags.Add(new(SpanMetricNames.RpcGrpcStatusCode, Box(key.GrpcStatusCode)));
        }

        return [.. tags];
    }

    /// <summary>
    /// A span measured while another, sampled, span is current (one ended off its own flow): OpenTelemetry
    /// would take that other span as the exemplar, and a stopped span cannot be made current, so the
    /// measurement is made with no current span, and carries no exemplar rather than a wrong one.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordWithoutExemplar(double milliseconds, SpanSeries series)
    {
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            _duration.Record(milliseconds, series.Tags);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private IEnumerable<Measurement<long>> ObserveCalls()
    {
        foreach (var series in Snapshot())
        {
            yield return new Measurement<long>(series.Calls, series.Tags);
        }
    }

    private static object Box(int value) => (uint)value < (uint)s_boxedCodes.Length ? s_boxedCodes[value] : value;
}

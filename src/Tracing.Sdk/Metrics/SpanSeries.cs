namespace Tracing.Sdk.Metrics;

/// <summary>One series of span metrics: its dimension set, given as is to every measurement, and its call count.</summary>
internal sealed class SpanSeries(SeriesKey key, KeyValuePair<string, object?>[] tags)
{
    private long _calls;

    public SeriesKey Key { get; } = key;

    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public long Calls => Volatile.Read(ref _calls);

    public void Count() => Interlocked.Increment(ref _calls);
}

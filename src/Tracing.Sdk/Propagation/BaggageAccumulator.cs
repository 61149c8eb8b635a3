using OpenTelemetry;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Baggage collected from every format of a composite extract: the first value of a key wins (formats
/// are read in configured order). Allocates only when an entry is added.
/// </summary>
internal struct BaggageAccumulator(Baggage initial)
{
    private Dictionary<string, string>? _added;

    public readonly int Count => initial.Count + (_added?.Count ?? 0);

    public void TryAdd(string key, string value)
    {
        if (initial.GetBaggage(key) is not null)
        {
            return;
        }

        _added ??= new Dictionary<string, string>(StringComparer.Ordinal);
        _added.TryAdd(key, value);
    }

    public readonly Baggage ToBaggage()
    {
        if (_added is null)
        {
            return initial;
        }

        foreach (var item in initial)
        {
            _added[item.Key] = item.Value;
        }

        return Baggage.Create(_added);
    }
}

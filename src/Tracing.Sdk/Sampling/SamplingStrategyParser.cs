using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// Reads the JSON a Jaeger sampling endpoint answers (<c>GET /sampling?service=...</c> on the agent,
/// <c>/api/sampling</c> on the collector): Jaeger IDL <c>SamplingStrategyResponse</c> in its JSON form.
/// The answer comes from the network and is not trusted: depth is bounded, every field the decision
/// uses must have the right type and a finite value in range, and anything else rejects the whole
/// answer (the caller then keeps its last good strategy). Unknown fields are ignored.
/// <para>
/// Both JSON forms in use are accepted: the agent's Thrift-derived one (<c>strategyType</c> as a number)
/// and the collector's proto3 one (<c>strategyType</c> as a name; a number may be a string; a field
/// equal to its default may be omitted, so a missing number is 0).
/// </para>
/// </summary>
internal static class SamplingStrategyParser
{
    /// <summary>Deep enough for the response (five levels), shallow enough that nesting costs nothing.</summary>
    public const int MaxDepth = 16;

    private const int MaxErrorLength = 200;

    public static bool TryParse(
        ReadOnlyMemory<byte> json,
        int maxOperations,
        [NotNullWhen(true)] out SamplingStrategy? strategy,
        [NotNullWhen(false)] out string? error)
    {
        strategy = null;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return TryRead(document.RootElement, maxOperations, out strategy, out error);
        }
        catch (JsonException ex)
        {
            error = Truncate($"not valid JSON: {ex.Message}");
            return false;
        }
    }

    private static bool TryRead(JsonElement root, int maxOperations, [NotNullWhen(true)] out SamplingStrategy? strategy, [NotNullWhen(false)] out string? error)
    {
        strategy = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the answer is a JSON {Describe(root.ValueKind)}, not an object";
            return false;
        }

        // Jaeger clients prefer operationSampling whenever it is present, whatever strategyType says.
        if (TryGetPresent(root, "operationSampling", out var operationSampling))
        {
            if (!TryReadOperations(operationSampling, maxOperations, out var operations, out error))
            {
                return false;
            }

            strategy = SamplingStrategy.PerOperation(operations);
            return true;
        }

        if (!TryReadType(root, out var type, out error))
        {
            return false;
        }

        if (type == SamplingStrategyKind.Probabilistic)
        {
            if (!TryGetObject(root, "probabilisticSampling", out var probabilistic, out error)
                || !TryReadNumber(probabilistic, "samplingRate", 0, 1, "probabilisticSampling.samplingRate", out var rate, out error))
            {
                return false;
            }

            strategy = SamplingStrategy.Probabilistic(rate);
            return true;
        }

        if (!TryGetObject(root, "rateLimitingSampling", out var rateLimiting, out error)
            || !TryReadNumber(rateLimiting, "maxTracesPerSecond", 0, double.MaxValue, "rateLimitingSampling.maxTracesPerSecond", out var perSecond, out error))
        {
            return false;
        }

        strategy = SamplingStrategy.RateLimiting(perSecond);
        return true;
    }

    private static bool TryReadType(JsonElement root, out SamplingStrategyKind type, [NotNullWhen(false)] out string? error)
    {
        error = null;
        type = SamplingStrategyKind.Probabilistic;
        if (!TryGetPresent(root, "strategyType", out var value))
        {
            // No type: infer it from the strategy object that is there.
            if (TryGetPresent(root, "probabilisticSampling", out _))
            {
                return true;
            }

            if (TryGetPresent(root, "rateLimitingSampling", out _))
            {
                type = SamplingStrategyKind.RateLimiting;
                return true;
            }

            error = "the answer holds no strategy (probabilisticSampling, rateLimitingSampling or operationSampling)";
            return false;
        }

        // Jaeger IDL SamplingStrategyType: PROBABILISTIC = 0, RATE_LIMITING = 1.
        switch (value.ValueKind)
        {
            case JsonValueKind.String when string.Equals(value.GetString(), "PROBABILISTIC", StringComparison.OrdinalIgnoreCase):
                return true;
            case JsonValueKind.String when string.Equals(value.GetString(), "RATE_LIMITING", StringComparison.OrdinalIgnoreCase):
                type = SamplingStrategyKind.RateLimiting;
                return true;
            case JsonValueKind.Number when value.TryGetInt32(out var number) && number is 0 or 1:
                type = number == 0 ? SamplingStrategyKind.Probabilistic : SamplingStrategyKind.RateLimiting;
                return true;
            default:
                error = Truncate($"strategyType {value.GetRawText()} is not PROBABILISTIC (0) or RATE_LIMITING (1)");
                return false;
        }
    }

    private static bool TryReadOperations(JsonElement element, int maxOperations, [NotNullWhen(true)] out PerOperationStrategy? strategy, [NotNullWhen(false)] out string? error)
    {
        strategy = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"operationSampling is a JSON {Describe(element.ValueKind)}, not an object";
            return false;
        }

        if (!TryReadNumber(element, "defaultSamplingProbability", 0, 1, "operationSampling.defaultSamplingProbability", out var defaultProbability, out error)
            || !TryReadNumber(element, "defaultLowerBoundTracesPerSecond", 0, double.MaxValue, "operationSampling.defaultLowerBoundTracesPerSecond", out var lowerBound, out error))
        {
            return false;
        }

        var operations = new Dictionary<string, double>(StringComparer.Ordinal);
        if (TryGetPresent(element, "perOperationStrategies", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                error = $"operationSampling.perOperationStrategies is a JSON {Describe(list.ValueKind)}, not an array";
                return false;
            }

            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                // The sampler holds at most MaxOperations operations; later entries would be dropped anyway.
                if (operations.Count >= maxOperations)
                {
                    break;
                }

                var key = $"operationSampling.perOperationStrategies[{index++}]";
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("operation", out var name)
                    || name.ValueKind != JsonValueKind.String)
                {
                    error = $"{key} is not an object with a string 'operation'";
                    return false;
                }

                if (!TryGetObject(item, "probabilisticSampling", out var probabilistic, out error, key)
                    || !TryReadNumber(probabilistic, "samplingRate", 0, 1, $"{key}.probabilisticSampling.samplingRate", out var rate, out error))
                {
                    return false;
                }

                operations[name.GetString()!] = rate;
            }
        }

        error = null;
        strategy = new PerOperationStrategy(defaultProbability, lowerBound, operations);
        return true;
    }

    private static bool TryGetObject(JsonElement parent, string name, out JsonElement value, [NotNullWhen(false)] out string? error, string? parentKey = null)
    {
        var key = parentKey is null ? name : $"{parentKey}.{name}";
        if (!TryGetPresent(parent, name, out value))
        {
            error = $"{key} is missing";
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            error = $"{key} is a JSON {Describe(value.ValueKind)}, not an object";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>A number in [min, max]; absent means 0 (proto3 omits defaults); a numeric string is accepted (proto3 JSON).</summary>
    private static bool TryReadNumber(JsonElement parent, string name, double min, double max, string key, out double value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        value = 0;
        if (!TryGetPresent(parent, name, out var element))
        {
            return true;
        }

        var parsed = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };

        if (!parsed)
        {
            error = Truncate($"{key} {element.GetRawText()} is not a number");
            return false;
        }

        if (!double.IsFinite(value) || value < min || value > max)
        {
            var range = max == double.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"a finite number >= {min}")
                : string.Create(CultureInfo.InvariantCulture, $"between {min} and {max}");
            error = Truncate($"{key} {element.GetRawText()} is out of range: it must be {range}");
            return false;
        }

        return true;
    }

    private static bool TryGetPresent(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength), "...");
}

namespace Tracing.Sdk.Exporters;

/// <summary>
/// The <c>OTEL_EXPORTER_OTLP_HEADERS</c> syntax: <c>key=value</c> pairs separated by commas, values
/// percent-encoded (OpenTelemetry protocol exporter specification). Header values are credentials
/// more often than not (API keys, bearer tokens): an error names the entry's position and, when it
/// is a valid one, the header's name, and never shows a value or any text that could hold one.
/// </summary>
internal static class OtlpHeaders
{
    public static bool TryParse(string text, out List<KeyValuePair<string, string>> headers, out string? error)
    {
        headers = [];
        error = null;
        var position = 0;
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            position++;
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                // The entry may be a value cut at an unencoded comma: not shown.
                error = $"entry {position} is not key=value (commas inside a value must be percent-encoded as %2C).";
                return false;
            }

            var key = entry[..separator].Trim();
            if (key.Length == 0 || key.Any(static c => c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal)))
            {
                // Not a header name, so possibly part of a value: not shown either.
                error = $"entry {position} does not start with a valid header name (an HTTP token).";
                return false;
            }

            // A '%' not followed by two hex digits is kept as it is (what OpenTelemetry's exporter does too).
            var value = Uri.UnescapeDataString(entry[(separator + 1)..].Trim());
            if (value.Any(static c => c is '\r' or '\n' or '\0'))
            {
                error = $"the value of header '{key}' (entry {position}) contains a control character.";
                return false;
            }

            headers.Add(new(key, value));
        }

        return true;
    }
}

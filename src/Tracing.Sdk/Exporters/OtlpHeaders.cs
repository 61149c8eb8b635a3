namespace Tracing.Sdk.Exporters;

/// <summary>
/// The <c>OTEL_EXPORTER_OTLP_HEADERS</c> syntax: <c>key=value</c> pairs separated by commas, values
/// percent-encoded (OpenTelemetry protocol exporter specification).
/// </summary>
internal static class OtlpHeaders
{
    public static bool TryParse(string text, out List<KeyValuePair<string, string>> headers, out string? error)
    {
        headers = [];
        error = null;
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                error = $"entry '{entry}' is not key=value.";
                return false;
            }

            var key = entry[..separator].Trim();
            if (key.Any(static c => c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal)))
            {
                error = $"header name '{key}' is not a valid HTTP token.";
                return false;
            }

            string value;
            try
            {
                value = Uri.UnescapeDataString(entry[(separator + 1)..].Trim());
            }
            catch (UriFormatException)
            {
                error = $"entry '{entry}' has a malformed percent-encoding.";
                return false;
            }

            if (value.Any(static c => c is '\r' or '\n' or '\0'))
            {
                error = $"the value of '{key}' contains a control character.";
                return false;
            }

            headers.Add(new(key, value));
        }

        return true;
    }
}

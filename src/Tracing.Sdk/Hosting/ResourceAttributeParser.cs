namespace Tracing.Sdk.Hosting;

/// <summary>
/// Parses <c>OTEL_RESOURCE_ATTRIBUTES</c>: <c>key1=value1,key2=value2</c>, values percent-encoded
/// (OpenTelemetry resource SDK specification, "Specifying resource information via an environment variable").
/// </summary>
internal static class ResourceAttributeParser
{
    public static void Parse(string text, IDictionary<string, string> into, ICollection<string> errors)
    {
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            var key = separator <= 0 ? string.Empty : entry[..separator].Trim();
            if (key.Length == 0)
            {
                errors.Add($"{OtelEnvironmentVariables.ResourceAttributes} entry '{entry}' is not key=value.");
                continue;
            }

            string value;
            try
            {
                value = Uri.UnescapeDataString(entry[(separator + 1)..].Trim());
            }
            catch (UriFormatException)
            {
                errors.Add($"{OtelEnvironmentVariables.ResourceAttributes} entry '{entry}' has a malformed percent-encoding.");
                continue;
            }

            into[key] = value;
        }
    }
}

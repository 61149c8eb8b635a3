using Microsoft.Extensions.Configuration;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// The configuration binder before 9.0 (the 8.0 train a net8.0 app gets by default) reports a value it
/// cannot convert by key and type only: <c>Failed to convert configuration value at '{key}' to type
/// '{type}'.</c> Our contract is an error naming the key and the bad value, as the newer binder's
/// <c>Failed to convert configuration value '{value}' at '{key}' …</c> does; this adds the value.
/// </summary>
internal static class ConfigurationConversionFailure
{
    private const string KeyOpening = " at '";

    /// <summary>The binder's message with the value inserted, or null when it already names the value (or is another error).</summary>
    public static string? DescribeWithValue(IConfiguration section, InvalidOperationException exception)
    {
        var message = exception.Message;
        var opening = message.IndexOf(KeyOpening, StringComparison.Ordinal);
        if (opening < 0 || exception.InnerException is null)
        {
            return null;
        }

        var keyStart = opening + KeyOpening.Length;
        var keyEnd = message.IndexOf('\'', keyStart);
        if (keyEnd < 0)
        {
            return null;
        }

        var key = message[keyStart..keyEnd];
        var prefix = section is IConfigurationSection named && named.Path.Length > 0 ? named.Path + ":" : string.Empty;
        if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var value = section[key[prefix.Length..]];
        if (value is null || message.Contains($"'{value}'", StringComparison.Ordinal))
        {
            return null;
        }

        return $"{message[..opening]} '{value}'{message[opening..]}";
    }
}

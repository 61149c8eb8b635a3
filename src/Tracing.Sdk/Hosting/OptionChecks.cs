using System.Globalization;

namespace Tracing.Sdk.Hosting;

/// <summary>Small checks shared by the option validators; each adds one message naming the key and the value.</summary>
internal static class OptionChecks
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static void InRange(double value, double min, double max, string key, ICollection<string> errors)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add($"{key}={Format(value)} is out of range: it must be between {Format(min)} and {Format(max)}.");
        }
    }

    public static void AtLeast(double value, double min, string key, ICollection<string> errors)
    {
        if (!(value >= min) || double.IsInfinity(value))
        {
            errors.Add($"{key}={Format(value)} is out of range: it must be a finite number >= {Format(min)}.");
        }
    }

    public static void InRange(int value, int min, int max, string key, ICollection<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key}={value} is out of range: it must be between {min} and {max}.");
        }
    }

    public static void OneOf(string? value, string[] allowed, string key, ICollection<string> errors)
    {
        if (value is null || !allowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{key}='{value}' is not one of: {string.Join(", ", allowed)}.");
        }
    }

    public static void HttpUri(string? value, string key, ICollection<string> errors)
    {
        if (!IsHttpUri(value))
        {
            errors.Add($"{key}='{value}' is not an absolute http:// or https:// URI.");
        }
    }

    public static bool IsHttpUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>A list of names from a closed set, where <c>none</c> may only stand alone.</summary>
    public static void NameList(IList<string>? values, string[] allowed, string none, string key, ICollection<string> errors)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            OneOf(values[i], allowed, $"{key}:{i}", errors);
        }

        if (values.Count > 1 && values.Any(v => string.Equals(v?.Trim(), none, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{key}=[{string.Join(", ", values)}] combines '{none}' with other values; '{none}' must stand alone.");
        }
    }
}

using Tracing.Sdk.Exporters;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Says what a setting takes, for the message about a value the configuration binder could not read:
/// the names of an enum-valued setting, else the kind of value found by trying one of each kind.
/// </summary>
internal static class ExpectedValue
{
    /// <summary>Settings bound to an enum (the binder takes their names in any case), by key under the section.</summary>
    private static readonly (string Key, string[] Names)[] s_enums =
    [
        ("Otlp:Retry", Names<OtlpRetryMode>()),
        ("Sampler:Remote:Protocol", Names<RemoteSamplingProtocol>()),
    ];

    /// <summary>
    /// "is not one of: none, memory", "is not a whole number", "is not a number", "is not true or false"
    /// or, when none fits, "cannot be read as this setting's type".
    /// </summary>
    /// <param name="key">The setting's key under the section (<c>Otlp:Retry</c>).</param>
    /// <param name="binds">Whether the binder reads a given value for a given key.</param>
    public static string Describe(string key, Func<string, string, bool> binds)
    {
        foreach (var (enumKey, names) in s_enums)
        {
            if (string.Equals(key, enumKey, StringComparison.OrdinalIgnoreCase))
            {
                return $"is not one of: {string.Join(", ", names)}";
            }
        }

        return binds(key, "true") ? "is not true or false"
            : binds(key, "0.5") ? "is not a number"
            : binds(key, "0") ? "is not a whole number"
            : "cannot be read as this setting's type";
    }

    private static string[] Names<TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetNames<TEnum>().Select(static name => name.ToLowerInvariant())];
}

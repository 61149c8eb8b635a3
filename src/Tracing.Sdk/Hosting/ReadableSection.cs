using Microsoft.Extensions.Configuration;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Keeps a value the configuration binder cannot convert (<c>Tracing:Batch:MaxQueueSize=lots</c>,
/// <c>Tracing:Otlp:Retry=sometimes</c>) from stopping the bind half-way with the binder's own exception:
/// such a value is left out, and reported with its key and value in the one start-up validation message
/// that lists every other problem too.
/// </summary>
internal static class ReadableSection
{
    /// <summary>
    /// <paramref name="section"/> itself when the binder reads all of it (the usual case, checked by one
    /// trial bind); otherwise a copy of it without the values the binder cannot read, each of which is
    /// added to <paramref name="errors"/>.
    /// </summary>
    public static IConfiguration Of(IConfiguration section, ICollection<string> errors)
    {
        if (Binds(section))
        {
            return section;
        }

        var readable = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null)
            {
                continue;
            }

            if (Binds(key, value))
            {
                readable[key] = value;
            }
            else
            {
                errors.Add($"{PathOf(section, key)}='{value}' {ExpectedValue.Describe(key, static (k, v) => Binds(k, v))}.");
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(readable).Build();
    }

    private static bool Binds(string key, string value) =>
        Binds(new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build());

    private static bool Binds(IConfiguration configuration)
    {
        try
        {
            configuration.Bind(new TracingOptions());
            return true;
        }
        catch (InvalidOperationException)
        {
            // The binder's "Failed to convert configuration value ... to type ...".
            return false;
        }
    }

    private static string PathOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path.Length: > 0 } named ? $"{named.Path}:{key}" : key;
}

using System.Globalization;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Reads <c>OTEL_*</c> variables. Registered in DI so that tests can give a host its own variables
/// instead of the process's.
/// </summary>
internal sealed class OtelEnvironment
{
    private readonly Func<string, string?> _read;

    public OtelEnvironment()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public OtelEnvironment(Func<string, string?> read) => _read = read;

    public OtelEnvironment(IReadOnlyDictionary<string, string> variables)
        : this(name => variables.TryGetValue(name, out var value) ? value : null)
    {
    }

    /// <summary>The variable's trimmed value, or <see langword="null"/> when it is unset or blank (the spec treats both as unset).</summary>
    public string? Get(string name)
    {
        var value = _read(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The first of <paramref name="names"/> that is set, with its name.</summary>
    public (string Name, string Value)? GetFirst(params string[] names)
    {
        foreach (var name in names)
        {
            if (Get(name) is { } value)
            {
                return (name, value);
            }
        }

        return null;
    }

    public bool TryGetInt(string name, ICollection<string> errors, out int value, int min = 0)
    {
        value = 0;
        if (Get(name) is not { } text)
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min)
        {
            return true;
        }

        errors.Add($"{name}='{text}' is not a whole number >= {min}.");
        return false;
    }

    /// <summary>A comma-separated list, entries trimmed and lower-cased, empty entries dropped.</summary>
    public IList<string>? GetList(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static item => item.ToLowerInvariant())
            .ToList();
    }
}

using System.Text.RegularExpressions;

namespace Tracing.Sdk.Hosting;

/// <summary>
/// Whether an <see cref="System.Diagnostics.ActivitySource"/> name matches the configured
/// <c>Sources</c> patterns (<c>*</c> matches any run of characters, case-insensitive), as
/// OpenTelemetry's <c>AddSource</c> matches them.
/// </summary>
internal sealed class SourceMatcher
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Regex? _wildcards;

    public SourceMatcher(IEnumerable<string> patterns)
    {
        var wildcards = new List<string>();
        foreach (var pattern in patterns)
        {
            if (pattern.Contains('*', StringComparison.Ordinal))
            {
                wildcards.Add("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$");
            }
            else
            {
                _exact.Add(pattern);
            }
        }

        if (wildcards.Count > 0)
        {
            _wildcards = new Regex(string.Join('|', wildcards), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
    }

    public bool Matches(string sourceName) => _exact.Contains(sourceName) || (_wildcards?.IsMatch(sourceName) ?? false);
}

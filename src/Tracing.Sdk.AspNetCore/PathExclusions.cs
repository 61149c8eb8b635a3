using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// <see cref="AspNetCoreTracingOptions.ExcludePaths"/>, compiled: exact paths (a trailing <c>/</c> on the
/// request is ignored) and prefixes (a pattern ending in <c>*</c>), both case-insensitive as ASP.NET
/// Core routing is.
/// </summary>
internal sealed class PathExclusions
{
    private readonly HashSet<string> _exact;
    private readonly string[] _prefixes;
#if NET9_0_OR_GREATER
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
#endif

    public PathExclusions(IEnumerable<string> patterns)
    {
        _exact = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new List<string>();
        foreach (var raw in patterns)
        {
            var pattern = raw?.Trim();
            if (string.IsNullOrEmpty(pattern))
            {
                continue;
            }

            if (pattern[^1] == '*')
            {
                prefixes.Add(pattern[..^1]);
            }
            else
            {
                _exact.Add(pattern.Length > 1 ? pattern.TrimEnd('/') : pattern);
            }
        }

        _prefixes = [.. prefixes];
#if NET9_0_OR_GREATER
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
    }

    public bool IsEmpty => _exact.Count == 0 && _prefixes.Length == 0;

    public bool IsExcluded(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            value = "/";
        }

        foreach (var prefix in _prefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        if (_exact.Count == 0)
        {
            return false;
        }

        if (value.Length > 1 && value[^1] == '/')
        {
#if NET9_0_OR_GREATER
            return _exactBySpan.Contains(value.AsSpan().TrimEnd('/'));
#else
            return _exact.Contains(value.TrimEnd('/'));
#endif
        }

        return _exact.Contains(value);
    }
}

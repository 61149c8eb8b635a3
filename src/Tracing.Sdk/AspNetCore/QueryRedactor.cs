namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Builds <c>url.query</c> (semantic conventions, <c>url</c> namespace: the query without its leading
/// <c>?</c>) with the value of every parameter replaced by <c>REDACTED</c> unless the parameter is in
/// <see cref="AspNetCoreTracingOptions.QueryAllowList"/>. Parameter names and separators are kept as
/// sent. A segment without <c>=</c> is redacted whole (<c>?{token}</c> is how a bare secret is sent,
/// and nothing tells it from a flag name) unless it is an allow-listed name, and an empty value is
/// redacted too (<c>k=</c> becomes <c>k=REDACTED</c>), so a reader cannot tell which values were empty.
/// Empty segments (<c>&amp;&amp;</c>) are kept.
/// </summary>
internal sealed class QueryRedactor
{
    public const string Redacted = "REDACTED";

    private readonly HashSet<string> _allowed;
#if NET9_0_OR_GREATER
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _allowedBySpan;
#endif

    public QueryRedactor(IEnumerable<string> allowList)
    {
        _allowed = new HashSet<string>(
            allowList.Select(static name => name?.Trim() ?? string.Empty).Where(static name => name.Length > 0),
            StringComparer.OrdinalIgnoreCase);
#if NET9_0_OR_GREATER
        _allowedBySpan = _allowed.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
    }

    /// <summary>The redacted query of <paramref name="queryString"/> (with or without its <c>?</c>), or <see langword="null"/> when it is empty.</summary>
    public string? Redact(string? queryString)
    {
        if (string.IsNullOrEmpty(queryString))
        {
            return null;
        }

        var query = queryString[0] == '?' ? queryString.AsSpan(1) : queryString.AsSpan();
        if (query.IsEmpty)
        {
            return null;
        }

        // Two passes over the same segments: measure, then write into one exactly sized string.
        var length = 0;
        var changed = false;
        for (var rest = query; ;)
        {
            var amp = rest.IndexOf('&');
            var segment = amp < 0 ? rest : rest[..amp];
            length += RedactedLength(segment, ref changed);
            if (amp < 0)
            {
                break;
            }

            length++;
            rest = rest[(amp + 1)..];
        }

        if (!changed)
        {
            return query.Length == queryString.Length ? queryString : query.ToString();
        }

        return string.Create(length, (queryString, this), static (destination, state) =>
        {
            var (text, redactor) = state;
            var source = text[0] == '?' ? text.AsSpan(1) : text.AsSpan();
            var written = 0;
            for (var rest = source; ;)
            {
                var amp = rest.IndexOf('&');
                var segment = amp < 0 ? rest : rest[..amp];
                written += redactor.Write(segment, destination[written..]);
                if (amp < 0)
                {
                    break;
                }

                destination[written++] = '&';
                rest = rest[(amp + 1)..];
            }
        });
    }

    private int RedactedLength(ReadOnlySpan<char> segment, ref bool changed)
    {
        var kept = KeptPrefix(segment);
        if (kept < 0)
        {
            return segment.Length;
        }

        changed = true;
        return kept + Redacted.Length;
    }

    private int Write(ReadOnlySpan<char> segment, Span<char> destination)
    {
        var kept = KeptPrefix(segment);
        if (kept < 0)
        {
            segment.CopyTo(destination);
            return segment.Length;
        }

        segment[..kept].CopyTo(destination);
        Redacted.AsSpan().CopyTo(destination[kept..]);
        return kept + Redacted.Length;
    }

    /// <summary>
    /// -1 when <paramref name="segment"/> is kept as sent (empty, or allow-listed); otherwise how much of
    /// it comes before <c>REDACTED</c>: the name and <c>=</c> of a parameter, nothing of a bare segment.
    /// </summary>
    private int KeptPrefix(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return -1;
        }

        var eq = segment.IndexOf('=');
        if (eq < 0)
        {
            return IsAllowed(segment) ? -1 : 0;
        }

        return IsAllowed(segment[..eq]) ? -1 : eq + 1;
    }

    private bool IsAllowed(ReadOnlySpan<char> name)
    {
        if (_allowed.Count == 0 || name.IsEmpty)
        {
            return false;
        }

        // Names arrive percent-encoded (RFC 3986 section 3.4); compare the decoded form when they are.
        if (name.IndexOfAny('%', '+') >= 0)
        {
            return _allowed.Contains(Uri.UnescapeDataString(name.ToString().Replace('+', ' ')));
        }

#if NET9_0_OR_GREATER
        return _allowedBySpan.Contains(name);
#else
        return _allowed.Contains(name.ToString());
#endif
    }
}

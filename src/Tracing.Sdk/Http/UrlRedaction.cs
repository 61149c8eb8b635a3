using System.Text;

namespace Tracing.Sdk.Http;

/// <summary>
/// Builds <c>url.full</c> without the secrets URLs tend to carry. Semantic conventions (<c>url.full</c>,
/// <c>url.query</c>): credentials in the URL MUST be redacted and sensitive query values SHOULD be; the
/// SDK treats every query value as sensitive unless its parameter is allow-listed
/// (<c>Tracing:AspNetCore:QueryAllowList</c>, the same rule as server spans) and writes <c>REDACTED</c>
/// in its place, so that the names stay readable: <c>/orders?page=2&amp;token=REDACTED</c>. A parameter
/// without a value (<c>?debug</c>) or with an empty one has nothing to hide and is kept as sent. The
/// fragment is never sent over HTTP and is left out.
/// </summary>
internal sealed class UrlRedaction
{
    public const string Redacted = "REDACTED";

    // A short list scanned linearly: allow-lists hold a handful of names, and a span compare
    // allocates nothing on either target framework.
    private readonly string[] _allowed;

    public UrlRedaction(IEnumerable<string>? allowList)
    {
        _allowed = (allowList ?? []).Where(static p => !string.IsNullOrWhiteSpace(p)).Select(static p => p.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>The absolute <paramref name="uri"/> as <c>url.full</c>: user info replaced, query values redacted, no fragment.</summary>
    public string FullUrl(Uri uri)
    {
        var hasUserInfo = uri.UserInfo.Length > 0;
        var query = uri.Query;
        if (!hasUserInfo && query.Length <= 1)
        {
            // Port only when it is not the scheme's default, as HttpClient itself reports it.
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        var builder = new StringBuilder(uri.OriginalString.Length + 16);
        builder.Append(uri.Scheme).Append("://");
        if (hasUserInfo)
        {
            builder.Append(Redacted).Append(':').Append(Redacted).Append('@');
        }

        builder.Append(uri.GetComponents(UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped));
        if (query.Length > 1)
        {
            builder.Append('?');
            AppendQuery(builder, query.AsSpan(1));
        }

        return builder.ToString();
    }

    /// <summary>A raw query string (without <c>?</c>) with every value that is not allow-listed replaced by <c>REDACTED</c>.</summary>
    public string Query(string query)
    {
        var builder = new StringBuilder(query.Length + 16);
        AppendQuery(builder, query.AsSpan());
        return builder.ToString();
    }

    private void AppendQuery(StringBuilder builder, ReadOnlySpan<char> query)
    {
        var first = true;
        while (true)
        {
            var end = query.IndexOf('&');
            var pair = end < 0 ? query : query[..end];
            if (!first)
            {
                builder.Append('&');
            }

            first = false;
            var equals = pair.IndexOf('=');
            if (equals < 0 || equals == pair.Length - 1 || IsAllowed(pair[..equals]))
            {
                builder.Append(pair);
            }
            else
            {
                builder.Append(pair[..(equals + 1)]).Append(Redacted);
            }

            if (end < 0)
            {
                return;
            }

            query = query[(end + 1)..];
        }
    }

    private bool IsAllowed(ReadOnlySpan<char> name)
    {
        foreach (var allowed in _allowed)
        {
            if (name.Equals(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

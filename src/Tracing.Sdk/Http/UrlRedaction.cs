using System.Text;
using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Http;

/// <summary>
/// Builds <c>url.full</c> without the secrets URLs tend to carry. Semantic conventions (<c>url.full</c>,
/// <c>url.query</c>): credentials in the URL MUST be redacted and sensitive query values SHOULD be; the
/// SDK treats every query value as sensitive unless its parameter is allow-listed
/// (<c>Tracing:AspNetCore:QueryAllowList</c>, the same rule as server spans) and writes <c>REDACTED</c>
/// in its place, so that the names stay readable: <c>/orders?page=2&amp;token=REDACTED</c>. A segment
/// without <c>=</c> (<c>?{token}</c>) is replaced whole and an empty value is redacted too, unless
/// allow-listed (<see cref="QueryRedactor"/>). The fragment is never sent over HTTP and is left out.
/// </summary>
internal sealed class UrlRedaction
{
    public const string Redacted = QueryRedactor.Redacted;

    private readonly QueryRedactor _query;

    public UrlRedaction(IEnumerable<string>? allowList)
    {
        _query = new QueryRedactor(allowList ?? []);
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
            // The same rule as server spans' url.query (one implementation: QueryRedactor).
            builder.Append('?').Append(_query.Redact(query));
        }

        return builder.ToString();
    }

    /// <summary>A raw query string (without <c>?</c>) with every value that is not allow-listed replaced by <c>REDACTED</c>.</summary>
    public string Query(string query) => _query.Redact(query) ?? string.Empty;
}

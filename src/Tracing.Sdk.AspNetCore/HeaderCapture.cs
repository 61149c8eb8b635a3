using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Records allow-listed headers as <c>http.request.header.&lt;name&gt;</c> /
/// <c>http.response.header.&lt;name&gt;</c>: a string array of every value, the name lower-cased
/// (HTTP semantic conventions, "HTTP request and response headers"). Credentials are never recorded,
/// whatever the list says.
/// </summary>
internal sealed class HeaderCapture
{
    private readonly (string Header, string Tag)[] _headers;

    public HeaderCapture(IEnumerable<string> names, string tagPrefix)
    {
        _headers = names
            .Select(static name => name?.Trim().ToLowerInvariant() ?? string.Empty)
            .Where(static name => name.Length > 0 && !CapturedHeaderRules.IsForbidden(name))
            .Distinct(StringComparer.Ordinal)
            .Select(name => (name, tagPrefix + name))
            .ToArray();
    }

    public bool IsEmpty => _headers.Length == 0;

    public void Capture(Activity activity, IHeaderDictionary headers)
    {
        foreach (var (header, tag) in _headers)
        {
            if (headers.TryGetValue(header, out var values) && values.Count > 0)
            {
                activity.SetTag(tag, values.ToArray());
            }
        }
    }
}

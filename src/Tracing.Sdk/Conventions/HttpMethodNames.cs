namespace Tracing.Sdk.Conventions;

/// <summary>
/// Which request methods are "known" for <c>http.request.method</c> and the span name. Semantic
/// conventions (HTTP spans, <c>http.request.method</c>): a method outside the known set is recorded as
/// <c>_OTHER</c> with the sent value in <c>http.request.method_original</c>, and the span is named
/// <c>HTTP</c>; the set can be replaced by <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c> (comma-separated,
/// case-sensitive). Without the override this matches .NET 10's HttpClient, which knows the RFC 9110
/// methods, PATCH and QUERY case-insensitively and reports them upper-case, so the span reads the same
/// whichever runtime the application is on; ASP.NET Core matches methods case-insensitively too, so
/// server spans use the same set.
/// </summary>
internal sealed class HttpMethodNames
{
    private static readonly string[] s_defaults = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "CONNECT", "QUERY"];

    private readonly Dictionary<string, string> _known;

    private HttpMethodNames(Dictionary<string, string> known) => _known = known;

    /// <summary>The default set.</summary>
    public static HttpMethodNames Default { get; } = new(s_defaults.ToDictionary(static m => m, static m => m, StringComparer.OrdinalIgnoreCase));

    /// <summary>The set named by an <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c> value, or the default when it is blank.</summary>
    public static HttpMethodNames FromOverride(string? knownMethods)
    {
        if (string.IsNullOrWhiteSpace(knownMethods))
        {
            return Default;
        }

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var method in knownMethods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            known[method] = method;
        }

        return known.Count == 0 ? Default : new HttpMethodNames(known);
    }

    /// <summary>
    /// <c>http.request.method_original</c>: the method as sent when it is not known or was canonicalised
    /// (semconv: an instrumentation that canonicalises MUST record the original), otherwise <see langword="null"/>.
    /// </summary>
    public static string? OriginalIfChanged(string method, string? canonical) =>
        string.Equals(method, canonical, StringComparison.Ordinal) ? null : method;

    /// <summary>The canonical method name, or <see langword="null"/> when <paramref name="method"/> is not known.</summary>
    public string? Canonical(string method) => _known.TryGetValue(method, out var canonical) ? canonical : null;
}

namespace Tracing.Sdk.AspNetCore;

/// <summary>Which headers may be captured as span attributes (checked by validation and by the capture itself).</summary>
internal static class CapturedHeaderRules
{
    /// <summary>Headers that carry credentials or session state (RFC 9110 section 11.6, RFC 6265): never recorded.</summary>
    public static readonly string[] Forbidden = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

    public static bool IsForbidden(string name) =>
        Forbidden.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);
}

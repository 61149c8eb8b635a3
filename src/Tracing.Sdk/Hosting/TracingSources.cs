namespace Tracing.Sdk.Hosting;

/// <summary>The <see cref="System.Diagnostics.ActivitySource"/> names the SDK itself records.</summary>
internal static class TracingSources
{
    /// <summary>The SDK's own sources (gRPC client calls, messaging helpers), always recorded.</summary>
    public static readonly string[] Sdk = ["Tracing.Sdk", "Tracing.Sdk.*"];

    /// <summary>The configured <c>Sources</c>, trimmed, empty entries dropped.</summary>
    public static string[] User(TracingOptions options) =>
        options.Sources.Select(static s => s.Trim()).Where(static s => s.Length > 0).ToArray();
}

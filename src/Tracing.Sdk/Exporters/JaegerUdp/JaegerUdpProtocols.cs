namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>Values of <see cref="JaegerUdpOptions.Protocol"/>.</summary>
internal static class JaegerUdpProtocols
{
    /// <summary>Thrift compact, the agent's port 6831.</summary>
    public const string Compact = "compact";

    /// <summary>Thrift binary, the agent's port 6832.</summary>
    public const string Binary = "binary";

    public static readonly string[] All = [Compact, Binary];

    public static bool IsCompact(string? protocol) => !string.Equals(protocol?.Trim(), Binary, StringComparison.OrdinalIgnoreCase);
}

namespace Tracing.Sdk.Exporters;

/// <summary>The Jaeger agent UDP exporter (<c>Tracing:JaegerUdp</c>).</summary>
public sealed class JaegerUdpOptions
{
    /// <summary>The agent's host name or IP address (<c>OTEL_EXPORTER_JAEGER_AGENT_HOST</c>). Default <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The agent's UDP port, 1..65535 (<c>OTEL_EXPORTER_JAEGER_AGENT_PORT</c>). Default 6831.</summary>
    public int Port { get; set; } = 6831;

    /// <summary>The largest datagram sent, in bytes, 1..65507. Default 65000.</summary>
    public int MaxPacketSize { get; set; } = 65000;

    /// <summary>
    /// The Thrift protocol: <c>compact</c> (the agent's port 6831) or <c>binary</c> (port 6832).
    /// Default <c>compact</c>.
    /// </summary>
    public string Protocol { get; set; } = "compact";
}

using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Diagnostics;

/// <summary>What operators should see, as source-generated log methods.</summary>
internal static partial class TracingLog
{
    [LoggerMessage(1, LogLevel.Information, "Tracing started for service {ServiceName}: {Pipeline}.")]
    public static partial void Started(ILogger logger, string serviceName, string pipeline);

    [LoggerMessage(2, LogLevel.Information, "Tracing is disabled (Tracing:Enabled=false or OTEL_SDK_DISABLED=true).")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Tracing could not flush every span within {TimeoutMilliseconds} ms at shutdown.")]
    public static partial void FlushTimedOut(ILogger logger, int timeoutMilliseconds);

    [LoggerMessage(4, LogLevel.Debug, "Tracing stopped: spans flushed and exporters shut down.")]
    public static partial void Stopped(ILogger logger);
}

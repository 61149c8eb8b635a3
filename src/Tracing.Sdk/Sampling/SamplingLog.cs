using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Sampling;

/// <summary>What operators should see about sampling, as source-generated log methods (event ids 301-399).</summary>
internal static partial class SamplingLog
{
    [LoggerMessage(301, LogLevel.Warning, "Remote sampling: polling {Endpoint} failed: {Reason}. Keeping {Strategy} and polling again every {IntervalSeconds} s; further failures are not logged until a poll succeeds.")]
    public static partial void PollFailed(ILogger logger, string endpoint, string reason, string strategy, double intervalSeconds);

    [LoggerMessage(302, LogLevel.Information, "Remote sampling: {Endpoint} answered again after {Failures} failed polls.")]
    public static partial void PollRecovered(ILogger logger, string endpoint, int failures);

    [LoggerMessage(303, LogLevel.Information, "Remote sampling: the strategy for service {ServiceName} is now {Strategy}.")]
    public static partial void StrategyChanged(ILogger logger, string serviceName, string strategy);
}

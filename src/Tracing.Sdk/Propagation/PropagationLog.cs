using Microsoft.Extensions.Logging;

namespace Tracing.Sdk.Propagation;

/// <summary>What operators should see about the propagator set, as source-generated log methods.</summary>
internal static partial class PropagationLog
{
    [LoggerMessage(101, LogLevel.Warning, "The DistributedContextPropagator registered before AddTracing() ({Registration}) was replaced by the configured propagators ({Propagators}); configure formats with Tracing:Propagators instead.")]
    public static partial void ReplacedBefore(ILogger logger, string registration, string propagators);

    [LoggerMessage(102, LogLevel.Warning, "A DistributedContextPropagator registered after AddTracing() ({Registration}) is what ASP.NET Core and HttpClient use, not the configured propagators ({Propagators}); register it before AddTracing(), or remove it and configure Tracing:Propagators.")]
    public static partial void ReplacedAfter(ILogger logger, string registration, string propagators);
}

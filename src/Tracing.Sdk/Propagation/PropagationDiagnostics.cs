using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Where the propagators report a malformed header they ignored (the host's
/// <c>tracing.sdk.propagation.invalid</c> counter) and a baggage entry they left out for a limit
/// (<c>tracing.sdk.propagation.baggage.dropped</c>), when a host built them, and the EventSource.
/// </summary>
internal sealed class PropagationDiagnostics(TracingMetrics? metrics)
{
    /// <summary>For propagators used before or without a host: EventSource only.</summary>
    public static PropagationDiagnostics Unmetered { get; } = new(null);

    public void InvalidContext(string format)
    {
        metrics?.InvalidContext(format);
        TracingEventSource.Log.InvalidContext(format);
    }

    /// <summary>An incoming baggage entry left out for a limit (<see cref="BaggageLimits"/>'s reason): <c>tracing.sdk.propagation.baggage.dropped</c>.</summary>
    public void BaggageDropped(string format, string reason)
    {
        metrics?.BaggageDropped(format, reason);
        TracingEventSource.Log.BaggageDropped(format, reason);
    }
}

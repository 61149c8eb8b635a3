namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// How one attempt at an export request ended, as the retry policy sees it.
/// </summary>
/// <param name="Succeeded">The collector accepted the request.</param>
/// <param name="Retryable">The failure is one the OTLP specification calls transient.</param>
/// <param name="Throttle">The delay the collector asked for (<c>Retry-After</c>, <c>RetryInfo</c>), if any.</param>
/// <param name="Reason">A short, bounded name of the failure: the <c>reason</c> tag of <c>tracing.sdk.export.retries</c>.</param>
/// <param name="Description">The failure for the operator log: status codes and error kinds only, never headers, bodies or the collector's message.</param>
internal readonly record struct AttemptOutcome(bool Succeeded, bool Retryable, TimeSpan? Throttle, string Reason, string Description)
{
    public static readonly AttemptOutcome Success = new(true, false, null, "ok", "ok");

    public static AttemptOutcome Failure(bool retryable, string reason, string description, TimeSpan? throttle = null) =>
        new(false, retryable, throttle, reason, description);
}

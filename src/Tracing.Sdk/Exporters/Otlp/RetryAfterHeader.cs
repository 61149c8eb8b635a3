using System.Net.Http.Headers;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// The delay an HTTP <c>Retry-After</c> header asks for: a number of seconds or an HTTP date (RFC 9110,
/// section 10.2.3), which the OTLP/HTTP specification says a client should honour ("OTLP/HTTP Throttling").
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>The delay from now, or <see langword="null"/> when there is no usable header (absent, malformed, or a date already past).</summary>
    public static TimeSpan? TryGetDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        RetryConditionHeaderValue? retryAfter;
        try
        {
            retryAfter = headers.RetryAfter;
        }
        catch (FormatException)
        {
            return null;
        }

        if (retryAfter?.Delta is { } delta)
        {
            return delta >= TimeSpan.Zero ? delta : null;
        }

        if (retryAfter?.Date is { } date && date > now)
        {
            return date - now;
        }

        return null;
    }
}

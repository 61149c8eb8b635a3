using System.Security.Cryptography;

namespace Tracing.Sdk.Exporters.Otlp;

/// <summary>
/// Exponential backoff with jitter, as the OTLP specification asks of retries ("Failures": "exponential
/// backoff with jitter") without fixing the numbers: 250 ms, doubling up to 5 s, each delay drawn
/// uniformly from its upper half ("equal jitter"), so that exporters failing together do not retry in
/// step and no delay collapses to nothing.
/// </summary>
internal struct RetryBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    private TimeSpan _ceiling;

    /// <summary>The next delay: in [ceiling / 2, ceiling], the ceiling doubling (up to <see cref="Max"/>) after each call.</summary>
    public TimeSpan Next()
    {
        var ceiling = _ceiling == TimeSpan.Zero ? Initial : _ceiling;
        _ceiling = ceiling * 2 > Max ? Max : ceiling * 2;
        var half = ceiling.Ticks / 2;

        // The jitter needs no secrecy; the CSPRNG is simply the thread-safe generator at hand, and this runs once per retry.
        return TimeSpan.FromTicks(half + RandomNumberGenerator.GetInt32(0, (int)half + 1));
    }
}

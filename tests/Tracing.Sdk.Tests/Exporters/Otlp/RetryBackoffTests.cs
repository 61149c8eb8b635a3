using Tracing.Sdk.Exporters.Otlp;

namespace Tracing.Sdk.Tests.Exporters.Otlp;

/// <summary>The backoff doubles from 250 ms up to 5 s, each delay drawn from the upper half of its ceiling.</summary>
public sealed class RetryBackoffTests
{
    [Fact]
    public void Delays_DoubleUpToTheCap_WithJitterInTheUpperHalf()
    {
        var distinct = new HashSet<TimeSpan>();
        for (var run = 0; run < 200; run++)
        {
            var backoff = default(RetryBackoff);
            var ceiling = TimeSpan.FromMilliseconds(250);
            for (var i = 0; i < 8; i++)
            {
                var delay = backoff.Next();
                Assert.InRange(delay, ceiling / 2, ceiling);
                distinct.Add(delay);
                ceiling = ceiling * 2 > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : ceiling * 2;
            }
        }

        // Jitter: exporters failing together do not retry in step.
        Assert.True(distinct.Count > 100, $"only {distinct.Count} distinct delays");
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

public sealed class RateLimiterTests
{
    [Fact]
    public void StartsFull_ThenAccruesAtTheRate_UpToTheCap()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(2, 2, time);

        Assert.Equal(2, Spend(limiter, 5));           // the initial balance
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0, Spend(limiter, 5));           // 0.998 credits
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Spend(limiter, 5));           // exactly 1
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Spend(limiter, 10));          // 20 accrued, capped at 2
    }

    [Fact]
    public void FractionalRate_OneCreditEveryFiveSeconds()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(0.2, 1, time);

        Assert.Equal(1, Spend(limiter, 3));
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal(0, Spend(limiter, 3));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Spend(limiter, 3));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, Spend(limiter, 3)); // twelve credits accrued, the cap keeps one
    }

    [Fact]
    public void ExactCount_OverSimulatedSeconds()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(100, 100, time);
        var sampled = Spend(limiter, 5);
        for (var ms = 0; ms < 10_000; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            sampled += Spend(limiter, 5); // 5 calls a millisecond: far more demand than credit
        }

        Assert.Equal(100 + 1000, sampled); // the initial balance + 100/s x 10 s
    }

    [Fact]
    public void ZeroRate_NeverSpends()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(0, 1, time);

        Assert.Equal(0, Spend(limiter, 3));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, Spend(limiter, 3));
    }

    [Fact]
    public void TimeStandingStill_SpendsOnlyTheBalance()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(1000, 1000, time);

        Assert.Equal(1000, Spend(limiter, 5000));
    }

    [Fact]
    public void RealClock_ManyThreads_NeverExceedTheBucketBound()
    {
        // 4 threads spend as fast as they can for 3 s of real time. A token bucket cannot grant more than
        // its initial balance plus rate x elapsed, whatever the interleaving; the elapsed time is measured
        // around the limiter's whole life, on both clocks it may read (the system clock is read through
        // the millisecond tick count), so the bound is exact, not a tolerance.
        const double rate = 100;
        var startTicks = Environment.TickCount64;
        var stopwatch = Stopwatch.StartNew();
        var limiter = new RateLimiter(rate, rate, TimeProvider.System);
        var sampled = 0L;
        var calls = 0L;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            long mine = 0, made = 0;
            var until = Stopwatch.GetTimestamp() + (3 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                for (var i = 0; i < 100; i++)
                {
                    mine += limiter.TrySpend() ? 1 : 0;
                }

                made += 100;
            }

            Interlocked.Add(ref sampled, mine);
            Interlocked.Add(ref calls, made);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var elapsedSeconds = Math.Max(stopwatch.Elapsed.TotalSeconds, (Environment.TickCount64 - startTicks) / 1000.0);

        Assert.True(calls > 10_000, $"only {calls} calls were made");
        Assert.InRange(sampled, (long)rate, (long)Math.Floor(rate + (rate * elapsedSeconds)));
    }

    private static int Spend(RateLimiter limiter, int attempts)
    {
        var spent = 0;
        for (var i = 0; i < attempts; i++)
        {
            spent += limiter.TrySpend() ? 1 : 0;
        }

        return spent;
    }
}

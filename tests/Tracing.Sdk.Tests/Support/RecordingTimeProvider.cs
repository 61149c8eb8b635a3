using Microsoft.Extensions.Time.Testing;

namespace Tracing.Sdk.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also records the due time of every timer created from it
/// (<c>Task.Delay(delay, timeProvider)</c> creates one), so that a test can wait until the code under
/// test is waiting, then move the clock by exactly what it waits for.
/// </summary>
public sealed class RecordingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _driven;

    public WaitableList<TimeSpan> Timers { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Timers.Add(dueTime);
        return timer;
    }

    /// <summary>
    /// Until <paramref name="pending"/> completes: waits for the next timer, then advances the clock by
    /// its due time, starting from the first timer not yet driven (the operation may have created one
    /// before this is called). Bounded in real time.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> pending, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var handled = _driven;
        while (!pending.IsCompleted)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("the operation neither completed nor started another timer in time");
            }

            var next = Timers.WaitUntilAsync(t => t.Count > handled, left);
            if (await Task.WhenAny(pending, next) == pending)
            {
                break;
            }

            var (timers, satisfied) = await next;
            if (satisfied)
            {
                Advance(timers[handled]);
                handled++;
                _driven = handled;
            }
        }

        return await pending;
    }
}

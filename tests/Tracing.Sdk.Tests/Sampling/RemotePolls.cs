using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// Drives a <see cref="RemoteSampler"/>'s polls from a test: the first at start, the next ones by advancing a
/// fake clock one interval; each waited for through the sampler's Polled event, bounded in time.
/// </summary>
internal static class RemotePolls
{
    /// <summary>The polling interval the remote-sampler tests configure.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan s_pollWait = TimeSpan.FromSeconds(15);

    /// <summary>Starts polling and returns whether the first poll succeeded.</summary>
    public static async Task<bool> StartAndWaitAsync(RemoteSampler sampler)
    {
        var poll = NextPoll(sampler);
        sampler.Start();
        return await poll;
    }

    /// <summary>Advances the clock one interval and returns whether the poll it started succeeded.</summary>
    public static async Task<bool> AdvanceAndWaitAsync(RemoteSampler sampler, FakeTimeProvider time)
    {
        var poll = NextPoll(sampler);
        time.Advance(Interval);
        return await poll;
    }

    /// <summary>The outcome of the next poll, waited for with a bound.</summary>
    public static async Task<bool> NextPoll(RemoteSampler sampler)
    {
        var completed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPolled(bool success) => completed.TrySetResult(success);
        sampler.Polled += OnPolled;
        try
        {
            return await completed.Task.WaitAsync(s_pollWait);
        }
        finally
        {
            sampler.Polled -= OnPolled;
        }
    }

    /// <summary>
    /// Waits, bounded, until <paramref name="count"/> polls have finished, however long ago: for polls the
    /// test did not start itself (the one a host makes at start).
    /// </summary>
    public static async Task PolledAtLeastAsync(RemoteSampler sampler, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPolled(bool success)
        {
            if (sampler.PollsCompleted >= count)
            {
                reached.TrySetResult();
            }
        }

        // Subscribed before looking: a poll that ends in between is seen by one or the other.
        sampler.Polled += OnPolled;
        try
        {
            if (sampler.PollsCompleted < count)
            {
                await reached.Task.WaitAsync(s_pollWait);
            }
        }
        finally
        {
            sampler.Polled -= OnPolled;
        }
    }
}

using System.Diagnostics;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The late-binding decision of one entry span, made exactly once. Routing (the ASP.NET Core
/// integration) and the sampler of a child started early can both try to decide the same span on
/// different threads; one compare-and-swap from <c>pending</c> to <c>deciding</c> picks the single
/// decider, so the policy is asked once (a rate-limited credit is spent once) and the span's flags are
/// written by one thread only. The others wait for the outcome, which the decider publishes as soon as
/// the policy has answered and the span is updated: a few hundred nanoseconds, never a blocking call.
/// </summary>
internal sealed class EntryDecision
{
    private const int Pending = 0;
    private const int Deciding = 1;
    private const int Sampled = 2;
    private const int Dropped = 3;

    // Waiting is bounded: SpinWait yields and then sleeps, so this is well over a second of the
    // decider's time. Past it the waiter reports what the span's flags say.
    private const int MaxWaitIterations = 2_000;

    private int _state;

    /// <summary>Makes the caller the decider if no one else is: <see langword="true"/> exactly once.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Deciding, Pending) == Pending;

    /// <summary>The decider's outcome, once the span carries it.</summary>
    public void Publish(bool sampled) => Volatile.Write(ref _state, sampled ? Sampled : Dropped);

    /// <summary>
    /// The outcome another thread is publishing; what <paramref name="span"/>'s recorded flag says if
    /// it did not within the bound (the decider stalled, e.g. its thread was descheduled for over a second).
    /// </summary>
    public bool WaitForOutcome(Activity span)
    {
        var spin = default(SpinWait);
        for (var i = 0; i < MaxWaitIterations; i++)
        {
            switch (Volatile.Read(ref _state))
            {
                case Sampled:
                    return true;
                case Dropped:
                    return false;
            }

            spin.SpinOnce();
        }

        return span.Recorded;
    }

    /// <summary>Written when a pending span is exported undecided (it ended before routing).</summary>
    public override string ToString() => "true";
}

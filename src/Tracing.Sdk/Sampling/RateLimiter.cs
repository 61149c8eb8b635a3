namespace Tracing.Sdk.Sampling;

/// <summary>
/// A lock-free token bucket: credits accrue continuously at <c>creditsPerSecond</c>, the balance is
/// capped at <c>maxBalance</c>, and each success spends one credit. It starts full, as Jaeger clients'
/// rate limiter does.
/// <para>
/// The whole state is one number, the clock position up to which credits have been spent
/// (balance = min(maxBalance, now - spentUntil)), so a decision is one clock read and,
/// only when a credit is spent, one compare-and-swap. A refusal writes nothing, which keeps a saturated
/// limiter (the common case under load) free of contention. Every success moves the position forward
/// by one credit and never past the time its caller read, so over any run the successes are at most
/// <c>maxBalance + creditsPerSecond × elapsed</c>, whatever the interleaving.
/// </para>
/// </summary>
internal sealed class RateLimiter
{
    private const double CoarseUnitsPerSecond = 1000;

    private readonly TimeProvider? _timeProvider;
    private readonly long _origin;
    private readonly double _unitsPerSecond;
    private readonly double _maxBalanceScaled;
    private double _spentUntil;

    /// <param name="creditsPerSecond">Accrual rate; 0 or less means no credit ever.</param>
    /// <param name="maxBalance">The cap on the balance, and the balance at start.</param>
    /// <param name="timeProvider">
    /// The clock. <see cref="TimeProvider.System"/> is read through <see cref="Environment.TickCount64"/>,
    /// a monotonic millisecond clock that costs a fraction of a high-resolution timestamp; millisecond
    /// accrual is ample for a limit counted in traces per second, and a coarse clock can only lag real
    /// time, never run ahead of it, so the bound above still holds.
    /// </param>
    public RateLimiter(double creditsPerSecond, double maxBalance, TimeProvider timeProvider)
    {
        CreditsPerSecond = double.IsFinite(creditsPerSecond) && creditsPerSecond > 0 ? creditsPerSecond : 0;
        MaxBalance = Math.Max(0, maxBalance);
        _timeProvider = ReferenceEquals(timeProvider, TimeProvider.System) ? null : timeProvider;
        _unitsPerSecond = _timeProvider is null ? CoarseUnitsPerSecond : _timeProvider.TimestampFrequency;
        _origin = ReadClock();

        // Positions are kept in clock units x credits per second, where a credit costs exactly
        // unitsPerSecond and accrual is elapsed units x rate: for whole and decimal rates these are
        // whole numbers, so an exact count (3 per second, one every 5 s) is exact in floating point too.
        _maxBalanceScaled = MaxBalance * _unitsPerSecond;
        _spentUntil = -_maxBalanceScaled;
    }

    public double CreditsPerSecond { get; }

    public double MaxBalance { get; }

    /// <summary>Spends one credit if the balance holds one.</summary>
    public bool TrySpend()
    {
        if (CreditsPerSecond == 0)
        {
            return false;
        }

        var now = (ReadClock() - _origin) * CreditsPerSecond;
        var spent = Volatile.Read(ref _spentUntil);
        while (true)
        {
            // Credits beyond the cap are forfeited: never count from further back than maxBalance.
            var floor = now - _maxBalanceScaled;
            var next = (spent > floor ? spent : floor) + _unitsPerSecond;
            if (!(next <= now))
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _spentUntil, next, spent);
            if (seen == spent)
            {
                return true;
            }

            spent = seen;
        }
    }

    private long ReadClock() => _timeProvider is null ? Environment.TickCount64 : _timeProvider.GetTimestamp();
}

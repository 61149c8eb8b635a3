using System.Runtime.InteropServices;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>
/// The calling thread's own CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): time the core spends on
/// other processes of a shared machine is not counted, which makes alternating comparisons steadier
/// than wall-clock times there.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ThreadCpuClock = 3;

    public static long Nanoseconds() =>
        clock_gettime(ThreadCpuClock, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : throw new InvalidOperationException("clock_gettime failed");

    /// <summary>Nanoseconds of thread CPU time per call of <paramref name="operation"/>, over <paramref name="calls"/> calls.</summary>
    public static double PerCall(Action operation, int calls)
    {
        var start = Nanoseconds();
        for (var i = 0; i < calls; i++)
        {
            operation();
        }

        return (Nanoseconds() - start) / (double)calls;
    }

    /// <summary>As <see cref="PerCall(Action, int)"/>, for an operation with a result (kept, so that it is not optimized away).</summary>
    public static double PerCall<TResult>(Func<TResult> operation, int calls)
    {
        TResult last = default!;
        var start = Nanoseconds();
        for (var i = 0; i < calls; i++)
        {
            last = operation();
        }

        var elapsed = Nanoseconds() - start;
        GC.KeepAlive(last);
        return elapsed / (double)calls;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
#pragma warning disable SYSLIB1054, CA5392 // a benchmark helper: plain P/Invoke of libc is fine
    private static extern int clock_gettime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054, CA5392

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

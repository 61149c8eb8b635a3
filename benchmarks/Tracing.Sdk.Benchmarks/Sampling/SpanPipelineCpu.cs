using System.Globalization;
using Tracing.Sdk.Benchmarks.Support;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// <see cref="SpanPipelineBenchmarks"/> timed by the thread's own CPU time (Linux
/// <c>CLOCK_THREAD_CPUTIME_ID</c>), raw OpenTelemetry and AddTracing alternating in rounds, so that time
/// the core spends on other processes of a shared machine is not counted. Prints, per span kind, the
/// best round of each (ns per span), the median of the per-round ratios, and the ratio of all rounds' CPU
/// time added up (with many short rounds, e.g. 3001 of 1,000 spans, a burst on the machine lands on
/// every variant alike instead of deciding a whole round).
/// </summary>
internal static class SpanPipelineCpu
{
    public static void Run(TextWriter output, int rounds, int spans)
    {
        output.WriteLine("| span | raw OpenTelemetry, ns (best round) | raw + the two sampler tags, ns (best round) | AddTracing, ns (best round) | AddTracing / raw, median of rounds | ratio range | AddTracing / (raw + tags), median of rounds | AddTracing / raw, all rounds' CPU time | AddTracing / (raw + tags), all rounds' CPU time |");
        output.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var kind in new[] { "kept root", "unsampled root", "child" })
        {
            var bench = new SpanPipelineBenchmarks { Span = kind };
            bench.Setup();
            try
            {
                // Warm-up: both paths jitted and the batch processors' queues in steady state.
                Time(bench.RawOpenTelemetry, spans);
                Time(bench.RawOpenTelemetryWithSamplerTags, spans);
                Time(bench.AddTracing, spans);
                var raw = new double[rounds];
                var rawWithTags = new double[rounds];
                var traced = new double[rounds];
                var ratios = new double[rounds];
                var ratiosToTags = new double[rounds];
                for (var r = 0; r < rounds; r++)
                {
                    raw[r] = Time(bench.RawOpenTelemetry, spans);
                    rawWithTags[r] = Time(bench.RawOpenTelemetryWithSamplerTags, spans);
                    traced[r] = Time(bench.AddTracing, spans);
                    ratios[r] = traced[r] / raw[r];
                    ratiosToTags[r] = traced[r] / rawWithTags[r];
                }

                Array.Sort(ratios);
                Array.Sort(ratiosToTags);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {kind} | {raw.Min():F1} | {rawWithTags.Min():F1} | {traced.Min():F1} | {ratios[rounds / 2]:F3} | {ratios[0]:F3} – {ratios[^1]:F3} | {ratiosToTags[rounds / 2]:F3} | {traced.Sum() / raw.Sum():F3} | {traced.Sum() / rawWithTags.Sum():F3} |"));
            }
            finally
            {
                bench.Cleanup();
            }
        }
    }

    private static double Time(Action operation, int spans) => ThreadCpuTime.PerCall(operation, spans);
}

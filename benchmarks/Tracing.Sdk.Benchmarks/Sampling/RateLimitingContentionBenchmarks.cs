using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// The rate-limiting sampler hammered by two threads at once (each decision shares one token bucket),
/// beside the same work on one thread. Reported per decision.
/// </summary>
[MemoryDiagnoser]
public class RateLimitingContentionBenchmarks
{
    private const int PerThread = 200_000;

    private readonly SamplingParameters _root = new(default, ActivityTraceId.CreateRandom(), "GET /orders/{id}", ActivityKind.Server);
    private Sampler _saturated = null!;
    private Sampler _generous = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Saturated: far more demand than credit, the common case under load (refusals write nothing).
        _saturated = new RateLimitingSampler(100, TimeProvider.System);

        // Generous: every decision spends a credit, so every decision is a compare-and-swap.
        _generous = new RateLimitingSampler(1e12, TimeProvider.System);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * PerThread, Description = "1 thread, saturated")]
    public int OneThreadSaturated() => Run(_saturated, 2 * PerThread);

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "2 threads, saturated")]
    public int TwoThreadsSaturated() => RunTwo(_saturated);

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "1 thread, every decision spends")]
    public int OneThreadSpending() => Run(_generous, 2 * PerThread);

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "2 threads, every decision spends")]
    public int TwoThreadsSpending() => RunTwo(_generous);

    private int RunTwo(Sampler sampler)
    {
        var counts = new int[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => counts[i] = Run(sampler, PerThread));
        return counts[0] + counts[1];
    }

    private int Run(Sampler sampler, int decisions)
    {
        var sampled = 0;
        for (var i = 0; i < decisions; i++)
        {
            sampled += sampler.ShouldSample(_root).Decision == SamplingDecision.RecordAndSample ? 1 : 0;
        }

        return sampled;
    }
}

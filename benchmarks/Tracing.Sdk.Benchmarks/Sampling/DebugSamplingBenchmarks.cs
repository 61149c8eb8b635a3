using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Trace;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// What a request with an ordinary remote parent costs — extract (tracecontext, b3, jaeger; a <c>b3</c>
/// header) and sample it (parent-based, probabilistic 0.1) — on one thread and on two at once, in a
/// process that has never seen a debug header and in one that has (<see cref="DebugSeenBefore"/>:
/// 1000 debug requests extracted and sampled in setup). Debug state used to be a process-wide table
/// behind a lock, consulted for every remote parent once a debug header had been seen; now it travels
/// on the context. The source builds against the code before the change too (it only uses types both
/// have), which is how the before/after in benchmarks/README.md was measured. The last row is every
/// request asking for debug, from an untrusted caller (beyond the budget: refused).
/// </summary>
[MemoryDiagnoser]
public class DebugSamplingBenchmarks
{
    private const int PerThread = 100_000;

    private static readonly Func<Dictionary<string, string[]>, string, IEnumerable<string>?> s_getter =
        static (headers, name) => headers.TryGetValue(name, out var values) ? values : null;

    private readonly Dictionary<string, string[]> _ordinary = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = ["0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1"],
    };

    private readonly Dictionary<string, string[]> _debug = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b3"] = ["0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-d"],
    };

    private CompositeFormat _propagator = null!;
    private TracingSampler _sampler = null!;

    [Params(false, true)]
    public bool DebugSeenBefore { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var diagnostics = PropagationDiagnostics.Unmetered;
        _propagator = new CompositeFormat([new TraceContextFormat(diagnostics), new B3SingleFormat(diagnostics), new JaegerFormat(diagnostics)]);
        _sampler = new TracingSampler(new ProbabilisticSampler(0.1, TraceIdBits.W3c), parentBased: true);
        if (DebugSeenBefore)
        {
            for (var i = 0; i < 1000; i++)
            {
                var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
                {
                    ["b3"] = [$"{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-d"],
                };
                ExtractAndSample(headers);
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * PerThread, Description = "1 thread, ordinary parent")]
    public int OneThread() => Run(_ordinary, 2 * PerThread);

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "2 threads, ordinary parent")]
    public int TwoThreads() => RunTwo(_ordinary);

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "2 threads, every request debug")]
    public int TwoThreadsDebug() => RunTwo(_debug);

    private int RunTwo(Dictionary<string, string[]> headers)
    {
        var counts = new int[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => counts[i] = Run(headers, PerThread));
        return counts[0] + counts[1];
    }

    private int Run(Dictionary<string, string[]> headers, int requests)
    {
        var sampled = 0;
        for (var i = 0; i < requests; i++)
        {
            sampled += ExtractAndSample(headers) ? 1 : 0;
        }

        return sampled;
    }

    private bool ExtractAndSample(Dictionary<string, string[]> headers)
    {
        var parent = _propagator.ExtractContext(headers, s_getter);
        var parameters = new SamplingParameters(parent, parent.TraceId, LateBindingName, ActivityKind.Server);
        return _sampler.ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample;
    }

    // Hosting's entry span name: what a server span is called when it is sampled.
    private const string LateBindingName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
}

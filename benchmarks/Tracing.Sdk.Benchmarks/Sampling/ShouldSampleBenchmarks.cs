using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// One root decision of each policy beside OpenTelemetry's TraceIdRatioBasedSampler (the baseline),
/// over 1024 random trace ids. Every row must allocate 0 bytes.
/// </summary>
[MemoryDiagnoser]
public class ShouldSampleBenchmarks
{
    private const int Ids = 1024;

    private readonly SamplingParameters[] _roots = new SamplingParameters[Ids];
    private Sampler _openTelemetryRatio = null!;
    private Sampler _openTelemetryParentBasedRatio = null!;
    private Sampler _const = null!;
    private Sampler _probabilisticW3c = null!;
    private Sampler _probabilisticJaeger = null!;
    private Sampler _rateLimiting = null!;
    private Sampler _perOperation = null!;
    private Sampler _configuredProbabilistic = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Ids; i++)
        {
            _roots[i] = new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET /orders/{id}", ActivityKind.Server);
        }

        _openTelemetryRatio = new TraceIdRatioBasedSampler(0.5);
        _openTelemetryParentBasedRatio = new ParentBasedSampler(new TraceIdRatioBasedSampler(0.5));
        _const = new ConstSampler(true);
        _probabilisticW3c = new ProbabilisticSampler(0.5, TraceIdBits.W3c);
        _probabilisticJaeger = new ProbabilisticSampler(0.5, TraceIdBits.Jaeger);
        _rateLimiting = new RateLimitingSampler(100, TimeProvider.System);
        _perOperation = new PerOperationSampler(new PerOperationStrategy(0.5, 1), 2000, TraceIdBits.W3c, TimeProvider.System);
        _configuredProbabilistic = new TracingSampler(new ProbabilisticSampler(0.5, TraceIdBits.W3c), parentBased: true);
    }

    private ref SamplingParameters Next() => ref _roots[_next++ & (Ids - 1)];

    [Benchmark(Baseline = true, Description = "OpenTelemetry TraceIdRatioBased(0.5)")]
    public SamplingDecision OpenTelemetryRatio() => _openTelemetryRatio.ShouldSample(Next()).Decision;

    [Benchmark(Description = "const 1")]
    public SamplingDecision Const() => _const.ShouldSample(Next()).Decision;

    [Benchmark(Description = "probabilistic 0.5, w3c bits")]
    public SamplingDecision ProbabilisticW3c() => _probabilisticW3c.ShouldSample(Next()).Decision;

    [Benchmark(Description = "probabilistic 0.5, jaeger bits")]
    public SamplingDecision ProbabilisticJaeger() => _probabilisticJaeger.ShouldSample(Next()).Decision;

    [Benchmark(Description = "ratelimiting 100/s (saturated)")]
    public SamplingDecision RateLimiting() => _rateLimiting.ShouldSample(Next()).Decision;

    [Benchmark(Description = "peroperation, known operation")]
    public SamplingDecision PerOperation() => _perOperation.ShouldSample(Next()).Decision;

    [Benchmark(Description = "OpenTelemetry ParentBased(TraceIdRatioBased(0.5))")]
    public SamplingDecision OpenTelemetryParentBasedRatio() => _openTelemetryParentBasedRatio.ShouldSample(Next()).Decision;

    [Benchmark(Description = "configured chain: debug + parent-based + probabilistic 0.5")]
    public SamplingDecision ConfiguredProbabilistic() => _configuredProbabilistic.ShouldSample(Next()).Decision;
}

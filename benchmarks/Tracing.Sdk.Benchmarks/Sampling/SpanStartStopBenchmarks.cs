using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Benchmarks.Sampling;

/// <summary>
/// Starting and stopping a root span through the provider AddTracing builds, for each policy, beside a
/// raw OpenTelemetry provider with the equivalent sampler (the baseline of each policy). No exporter on
/// either side, so the difference is the sampling and the SDK's wiring.
/// </summary>
[MemoryDiagnoser]
public class SpanStartStopBenchmarks
{
    private IHost _host = null!;
    private TracerProvider _raw = null!;
    private ActivitySource _tracedSource = null!;
    private ActivitySource _rawSource = null!;

    /// <summary>The policy; its OpenTelemetry equivalent is chosen in <see cref="RawEquivalent"/>.</summary>
    [Params("const", "probabilistic", "ratelimiting", "peroperation")]
    public string Policy { get; set; } = "const";

    [GlobalSetup]
    public void Setup()
    {
        var id = Guid.NewGuid().ToString("N");
        _tracedSource = new ActivitySource($"Bench.Traced.{id}");
        _rawSource = new ActivitySource($"Bench.Raw.{id}");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddTracing(options =>
        {
            options.ServiceName = "bench";
            options.Exporters = ["none"];
            options.Sources.Add(_tracedSource.Name);
            options.Sampler.Type = Policy;
            options.Sampler.Param = Policy switch
            {
                "probabilistic" => 0.5,
                "ratelimiting" => 100,
                _ => 1,
            };
            options.Sampler.PerOperation.DefaultProbability = 0.5;
        });
        _host = builder.Build();
        _host.Start();

        _raw = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(_rawSource.Name)
            .SetSampler(new ParentBasedSampler(RawEquivalent()))
            .Build()!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _raw.Dispose();
        _tracedSource.Dispose();
        _rawSource.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw OpenTelemetry, equivalent sampler")]
    public void RawOpenTelemetry()
    {
        using var activity = _rawSource.StartActivity("GET /orders/{id}", ActivityKind.Server);
    }

    [Benchmark(Description = "AddTracing")]
    public void AddTracing()
    {
        using var activity = _tracedSource.StartActivity("GET /orders/{id}", ActivityKind.Server);
    }

    /// <summary>
    /// OpenTelemetry has no rate limiter and no per-operation sampler; a saturated limiter drops almost
    /// every root (AlwaysOff is its equivalent in a tight loop), and a per-operation policy with one
    /// operation whose lower-bound credit is spent is its probability.
    /// </summary>
    private Sampler RawEquivalent() => Policy switch
    {
        "probabilistic" => new TraceIdRatioBasedSampler(0.5),
        "ratelimiting" => new AlwaysOffSampler(),
        "peroperation" => new TraceIdRatioBasedSampler(0.5),
        _ => new AlwaysOnSampler(),
    };
}

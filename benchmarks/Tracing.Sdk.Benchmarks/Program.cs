using System.Globalization;
using BenchmarkDotNet.Running;
using Tracing.Sdk.Benchmarks.Sampling;
using Tracing.Sdk.Benchmarks.Support;
using Tracing.Sdk.Benchmarks.Upstream;

// Run all:   dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*'
// Run some:  dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*Sampler*'
// On a slow machine add --buildTimeout 600 (BenchmarkDotNet builds each run's project within 2 min by default).
// Upstream comparison, not BenchmarkDotNet (benchmarks/upstream.sh runs all of it):
//   -- --spans                     spans of AddTracing and of OpenTelemetry's instrumentation side by side
//   -- --cpu [rounds] [operations] CPU time per request of the comparison's benchmarks, variants alternating
//   -- --pipeline-cpu [rounds] [spans]  SpanPipelineBenchmarks by the thread's CPU time, raw and AddTracing alternating
//   -- --baseline-cpu <Class> [rounds] [calls]  a benchmark class's methods by thread CPU time, each alternating with its baseline
switch (args)
{
    case ["--spans"]:
        await SpanComparison.RunAsync(Console.Out);
        return;
    case ["--cpu", .. var rest]:
        await CpuComparison.RunAsync(
            Console.Out,
            rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 5,
            rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 2000);
        return;
    case ["--pipeline-cpu", .. var pipeline]:
        SpanPipelineCpu.Run(
            Console.Out,
            pipeline.Length > 0 ? int.Parse(pipeline[0], CultureInfo.InvariantCulture) : 21,
            pipeline.Length > 1 ? int.Parse(pipeline[1], CultureInfo.InvariantCulture) : 200_000);
        return;
    case ["--baseline-cpu", var benchmarkClass, .. var counts]:
        BaselineCpuComparison.Run(
            Console.Out,
            typeof(Program).Assembly.GetTypes().Single(t => t.Name == benchmarkClass),
            counts.Length > 0 ? int.Parse(counts[0], CultureInfo.InvariantCulture) : 15,
            counts.Length > 1 ? int.Parse(counts[1], CultureInfo.InvariantCulture) : 200_000);
        return;
    case ["--cpu-child", var target, var variant, var operations]:
        await CpuComparison.RunChildAsync(Console.Out, target, Enum.Parse<TracingVariant>(variant), int.Parse(operations, CultureInfo.InvariantCulture));
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return;
}

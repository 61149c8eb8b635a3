using BenchmarkDotNet.Running;
using Tracing.Sdk.Benchmarks.Upstream;

// Run all:   dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*'
// Run some:  dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*Sampler*'
// Spans of AddTracing and of OpenTelemetry's instrumentation side by side (no benchmark):
//            dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --spans
if (args is ["--spans"])
{
    await SpanComparison.RunAsync(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using BenchmarkDotNet.Running;

// Run all:   dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*'
// Run some:  dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*Sampler*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

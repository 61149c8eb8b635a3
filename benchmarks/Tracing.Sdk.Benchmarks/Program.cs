using BenchmarkDotNet.Running;

// Run all:   dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*'
// Run some:  dotnet run -c Release --project benchmarks/Tracing.Sdk.Benchmarks -- --filter '*Sampler*'
// On a slow machine add --buildTimeout 600 (BenchmarkDotNet builds each run's project within 2 min by default).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

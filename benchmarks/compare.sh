#!/usr/bin/env bash
# Issue 15's comparison table, in one command: every hot path beside its OpenTelemetry baseline in the
# same BenchmarkDotNet run (ratios within a run), [MemoryDiagnoser] allocations, and a header saying on
# which machine, when and with what command it ran.
#   kept root / unsampled root / child span  Sampling/SpanPipelineBenchmarks   (raw OpenTelemetry, same sampler and batch processor)
#   what AddTracing adds to a span, by part  Sampling/SpanPathPartsBenchmarks   (OpenTelemetry's ParentBased(AlwaysOn) sampler)
#   propagators, extract and inject          Propagation/*                      (OpenTelemetry's TraceContextPropagator)
#   HttpClient call                          Http/HttpClientCallBenchmarks      (OpenTelemetry.Instrumentation.Http)
#   ASP.NET Core request                     AspNetCore/AspNetCoreRequestBenchmarks (OpenTelemetry.Instrumentation.AspNetCore)
#   gRPC unary call                          Grpc/GrpcUnaryCallBenchmarks       (HttpClient's own span; a process per mode)
#   Jaeger UDP serialisation                 Exporters/JaegerUdp/JaegerSerializationBenchmarks
# usage: bash benchmarks/compare.sh [extra BenchmarkDotNet arguments]   (default job: short, 10 iterations)
# Then the CPU-bound paths again by thread CPU time, each alternating with its baseline in rounds
# (--pipeline-cpu, --baseline-cpu): steadier than BenchmarkDotNet's times when other processes share the cores.
# Output: BenchmarkDotNet.Artifacts/compare.md (the header, every *-report-github.md of the run, the CPU-time tables).
# On a shared machine the allocation columns are exact and the time columns are as noisy as the load.
set -euo pipefail
cd "$(dirname "$0")/.."

filters=(
  '*SpanPipelineBenchmarks*' '*SpanPathPartsBenchmarks*'
  '*Propagation.ExtractBenchmarks*' '*Propagation.InjectBenchmarks*' '*Propagation.BridgeBenchmarks*'
  '*HttpClientCallBenchmarks*'
  '*AspNetCoreRequestBenchmarks*'
  '*GrpcUnaryCallBenchmarks*'
  '*JaegerSerializationBenchmarks*'
)
job=(--job short --iterationCount 10 --buildTimeout 600)

dotnet build -c Release benchmarks/Tracing.Sdk.Benchmarks
rm -rf BenchmarkDotNet.Artifacts/results
dotnet run -c Release --no-build --project benchmarks/Tracing.Sdk.Benchmarks -- \
  --filter "${filters[@]}" "${job[@]}" "$@"

bench=benchmarks/Tracing.Sdk.Benchmarks/bin/Release/net10.0/Tracing.Sdk.Benchmarks.dll
cpu_tables=$(
  echo "## Thread CPU time, alternating with the baseline"
  echo
  dotnet "$bench" --pipeline-cpu 3001 1000
  for class in ExtractBenchmarks InjectBenchmarks BridgeBenchmarks; do
    echo
    dotnet "$bench" --baseline-cpu "$class" 15 300000
  done
)

out=BenchmarkDotNet.Artifacts/compare.md
{
  echo "# Issue 15 comparison"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "- command: bash benchmarks/compare.sh $*"
  for report in BenchmarkDotNet.Artifacts/results/*-report-github.md; do
    echo
    echo "## $(basename "$report" -report-github.md)"
    echo
    cat "$report"
  done
  echo
  echo "$cpu_tables"
} > "$out"
echo "wrote $out"

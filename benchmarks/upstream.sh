#!/usr/bin/env bash
# AddTracing vs OpenTelemetry's instrumentation packages (Instrumentation.AspNetCore, .Http,
# .GrpcNetClient), all of it in one command:
#   1. the spans each produces for the same request, side by side (Markdown tables on stdout);
#   2. one BenchmarkDotNet run of the three request/call benchmarks (no tracing, OpenTelemetry +
#      the package, AddTracing, both), time and allocations per request, github tables in
#      BenchmarkDotNet.Artifacts/results/;
#   3. the same benchmarks' CPU time per request, each variant in a process of its own, the variants
#      alternating over ROUNDS rounds (median): on a shared machine, a steadier figure than elapsed time.
# usage: [ROUNDS=5] [OPERATIONS=2000] bash benchmarks/upstream.sh [extra BenchmarkDotNet arguments]
# Loopback only (Kestrel on 127.0.0.1, in-process clients); every benchmark loop is bounded. The build
# timeout is raised from two minutes because a busy machine builds the generated project slowly.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build -c Release benchmarks/Tracing.Sdk.Benchmarks
dotnet run -c Release --no-build --project benchmarks/Tracing.Sdk.Benchmarks -- --spans
dotnet run -c Release --no-build --project benchmarks/Tracing.Sdk.Benchmarks -- \
  --filter '*AspNetCoreRequestBenchmarks*' '*HttpClientCallBenchmarks*' '*GrpcInstrumentationBenchmarks*' \
  --job short --iterationCount 10 --buildTimeout 900 "$@"
dotnet run -c Release --no-build --project benchmarks/Tracing.Sdk.Benchmarks -- --cpu "${ROUNDS:-5}" "${OPERATIONS:-2000}"

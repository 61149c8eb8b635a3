#!/usr/bin/env bash
# Load benchmark of ASP.NET Core server spans: requests/s of GET /hello on Kestrel (127.0.0.1),
# loaded by wrk from a second process, alternating in one run between
#   none     no tracing
#   otel     raw OpenTelemetry listening to Microsoft.AspNetCore, parent-based always-on, batch OTLP/gRPC
#   tracing  AddTracing with the same sampler, exporter and batch settings
# Both tracing modes export to a live OTLP/gRPC sink (a separate process) that reads every request.
#
# usage: benchmarks/load/aspnetcore.sh            (ROUNDS=3 DURATION=15 WARMUP=5 CONNECTIONS=32 to change)
# Loopback only; every loop is bounded in count and time; the servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
SINK_PORT=${SINK_PORT:-18317}
MODES=(none otel tracing)

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi
if ! command -v curl >/dev/null; then
  apt-get update -qq >/dev/null && apt-get install -y -qq curl >/dev/null
fi

out="$(mktemp -d)"
dotnet build -c Release -o "$out/bin" benchmarks/load/AspNetCoreLoad >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
app="$out/bin/AspNetCoreLoad.dll"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_until_up() { # url
  for _ in $(seq 1 100); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server at $1 did not start" >&2; return 1
}

DOTNET_gcServer=1 dotnet "$app" sink "$SINK_PORT" >"$out/sink.log" 2>&1 &
sink_pid=$!; pids+=("$sink_pid")
wait_until_up "http://127.0.0.1:$((SINK_PORT + 1))/stats"

declare -A results
for round in $(seq 1 "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    before=$(curl -fs "http://127.0.0.1:$((SINK_PORT + 1))/stats")
    dotnet "$app" "$mode" "$PORT" "$SINK_PORT" >"$out/$mode.log" 2>&1 &
    pid=$!; pids+=("$pid")
    wait_until_up "http://127.0.0.1:$PORT/hello"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/hello" >/dev/null
    rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/hello" | awk '/Requests\/sec/ {print $2}')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    after=$(curl -fs "http://127.0.0.1:$((SINK_PORT + 1))/stats")
    exports=$(( ${after%% *} - ${before%% *} ))
    echo "round $round  $mode  ${rps} req/s  (sink received $exports export requests)" >&2
    results[$mode]+="$rps "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
none=$(echo "${results[none]}" | median)
otel=$(echo "${results[otel]}" | median)
tracing=$(echo "${results[tracing]}" | median)

echo
echo "| Mode | Requests/s (median of $ROUNDS) | vs no tracing | vs raw OpenTelemetry | runs |"
echo "|---|---:|---:|---:|---|"
for mode in "${MODES[@]}"; do
  m=$(echo "${results[$mode]}" | median)
  awk -v mode="$mode" -v m="$m" -v none="$none" -v otel="$otel" -v runs="${results[$mode]}" \
    'BEGIN { printf "| %s | %.0f | %.3f | %.3f | %s|\n", mode, m, m / none, m / otel, runs }'
done

#!/usr/bin/env bash
# HTTP throughput and p99 of a release build on loopback, driven by wrk at 1, 64 and 256 connections:
# GET /healthz (tiny) and GET /api/v1/plan (about 4.8 KiB of JSON, bearer token, no gzip asked).
# Run by hand: bash benchmarks/http.sh   (DURATION=10 by default; wrk shares the machine's cores)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
build_release
work=$(mktemp -d /tmp/cleanheat-bench.XXXXXX)
duration=${DURATION:-10}

# Rate limits off: they would be what this measures. The access log is on, as in production (buffered lines
# to a file).
echo '{"rateLimits": {"perTokenPerMinute": 0}, "limits": {"maxConnections": 1024}}' > "$work/bench.json"
stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
trap 'stop_server; rm -rf "$work"' EXIT

run() { # name path connections [header]
  local threads=$(( $3 < 2 ? 1 : 2 ))
  local out
  out=$(wrk -t"$threads" -c"$3" -d"${duration}s" --latency ${4:+-H "$4"} "$base$2")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf "%-22s %4d conns  %10s req/s  p99 %8s  %s\n" "$1" "$3" "$rps" "$p99" "$errors"
}

start_server info
admin=$(cat "$work/data/bootstrap-token")
size=$(curl -fsS -H "Authorization: Bearer $admin" "$base/api/v1/plan" | wc -c)
echo "== $(nproc) cores; /api/v1/plan is $size bytes; ${duration}s per run; access log on"
for c in 1 64 256; do run "GET /healthz" /healthz "$c"; done
for c in 1 64 256; do run "GET /api/v1/plan" /api/v1/plan "$c" "Authorization: Bearer $admin"; done
echo "== server RSS after the runs: $(ps -o rss= -p "$pid") KiB"

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
trap 'stop_server; rm -rf "$work"' EXIT

start_server info
admin=$(cat "$work/data/bootstrap-token")
size=$(curl -fsS -H "Authorization: Bearer $admin" "$base/api/v1/plan" | wc -c)
echo "== $(nproc) cores; /api/v1/plan is $size bytes; ${duration}s per run; access log on"
for c in 1 64 256; do wrk_get "GET /healthz" /healthz "$c"; done
for c in 1 64 256; do wrk_get "GET /api/v1/plan" /api/v1/plan "$c" "Authorization: Bearer $admin"; done
echo "== server RSS after the runs: $(ps -o rss= -p "$pid") KiB"

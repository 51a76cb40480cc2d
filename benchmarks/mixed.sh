#!/usr/bin/env bash
# Reads beside writes: report POSTs at 64 connections and, at the same time, the office's GET of a day's reports at
# 4 connections. Reports are published to readers lazily (docs/storage.md, "Publication"): under a stream of
# reports each read waits for the writer's next batch and its sync, so this shows what that costs a reader.
# Run by hand: bash benchmarks/mixed.sh [BINARY]   (default: the release build; DURATION s, default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ $# -ge 1 ]; then bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); else build_release; fi
duration=${DURATION:-8}
work=$(mktemp -d /tmp/cleanheat-bench.XXXXXX)
echo '{"rateLimits": {"perTokenPerMinute": 0}}' > "$work/bench.json"
start_server warning --test-clock
trap 'stop_server; rm -rf "$work"' EXIT
prepare_report_load
wrk -t1 -c64 -d2s -s benchmarks/reports.lua "$base" >/dev/null # warm-up: every unit has a report for the day read below (reports.lua spreads them over 2021-08-01..2022-02-16)
echo "== $bin: ${duration}s, POSTs and GETs at the same time"
wrk_get "GET /api/v1/reports alone" "/api/v1/reports?date=2021-10-15" 4 "Authorization: Bearer $TOKEN"
wrk -t1 -c64 -d"${duration}s" -s benchmarks/reports.lua "$base" | grep RESULT | sed 's/^/POST \/api\/v1\/reports  64 conns  /' &
posts=$!
wrk_get "GET /api/v1/reports beside" "/api/v1/reports?date=2021-10-15" 4 "Authorization: Bearer $TOKEN"
wait "$posts" # not a bare wait: the server is a job of this shell too

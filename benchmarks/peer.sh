#!/usr/bin/env bash
# cleanheat beside the issues' yardstick, in the same run: a Hummingbird 2 server (benchmarks/peer) serving
# the same plan bytes without auth, and decoding the same report POSTs without storing them. Each load runs
# on the peer and then on cleanheat, ROUNDS times (default 3), so that the machine's drift hits both alike.
# Run by hand: bash benchmarks/peer.sh   (DURATION=10 s per run; the peer's first build takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
build_release
build_peer
work=$(mktemp -d /tmp/cleanheat-bench.XXXXXX)
duration=${DURATION:-10}
rounds=${ROUNDS:-3}

echo '{"rateLimits": {"perTokenPerMinute": 0}}' > "$work/bench.json"
start_server info --test-clock
ours=$base
peer_pid=
trap 'kill $peer_pid 2>/dev/null || true; stop_server; rm -rf "$work"' EXIT
prepare_report_load
curl -fsS -H "Authorization: Bearer $TOKEN" "$ours/api/v1/plan" > "$work/plan.json"

start_peer "$work/plan.json" "$work/peer.out"

post_reports() { # name connections
  printf "%-30s %4d conns  " "$1" "$2"
  wrk -t2 -c"$2" -d"${duration}s" --latency -s benchmarks/reports.lua "$base" | grep RESULT
}

echo "== $(nproc) cores; plan $(wc -c < "$work/plan.json") bytes; ${duration}s per run; $rounds rounds; access log on"
for round in $(seq "$rounds"); do
  echo "-- round $round"
  for c in 1 64; do
    base=$peer; wrk_get "peer GET /api/v1/plan" /api/v1/plan "$c"
    base=$ours; wrk_get "cleanheat GET /api/v1/plan" /api/v1/plan "$c" "Authorization: Bearer $TOKEN"
  done
  base=$peer; wrk_get "peer GET /healthz" /healthz 64
  base=$ours; wrk_get "cleanheat GET /healthz" /healthz 64
  base=$peer; post_reports "peer POST /reports (no disk)" 64
  base=$ours; post_reports "cleanheat POST /reports (fsync)" 64
done
echo "== cleanheat RSS: $(ps -o rss= -p "$pid") KiB; peer RSS: $(ps -o rss= -p "$peer_pid") KiB"

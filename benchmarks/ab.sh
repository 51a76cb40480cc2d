#!/usr/bin/env bash
# Two builds (or two configs) under durable report POSTs at the same time, each with its own wrk, so that the
# host's drift in speed hits both alike: run after run on this 2-core VM the same binary alone varied by 20 %
# and more, side by side the ratio of two copies of it stayed within 5 %. Each side gets about half the machine,
# so this compares CPU spent per request, not a server's rate alone on the machine (peer.sh and reports.sh).
# Run by hand: bash benchmarks/ab.sh A_BINARY B_BINARY   (or B=peer: the Hummingbird peer, which stores nothing)
#   CONFIG_A / CONFIG_B: bench config JSON for each side; ROUNDS (default 5); DURATION s (default 8); C (64).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ $# -eq 2 ] || { echo "usage: bash benchmarks/ab.sh A_BINARY B_BINARY|peer" >&2; exit 2; }
a_binary=$1 b_binary=$2
if [ "$b_binary" = peer ]; then
  swift build -c release --package-path benchmarks/peer --scratch-path .build-peer >/dev/null
fi
default_config='{"rateLimits": {"perTokenPerMinute": 0}}'
servers=() folders=()
# Stops the round's servers (waiting for their shutdown checkpoints) and removes their folders.
stop_sides() {
  if [ ${#servers[@]} -gt 0 ]; then kill "${servers[@]}" 2>/dev/null || true; wait "${servers[@]}" 2>/dev/null || true; fi
  if [ ${#folders[@]} -gt 0 ]; then rm -rf "${folders[@]}"; fi
  servers=() folders=()
}
trap stop_sides EXIT

# Starts one side: cleanheat with config $2 on a fresh data folder, or the peer; sets $base, $pid and $TOKEN.
start_side() {
  work=$(mktemp -d /tmp/cleanheat-ab.XXXXXX)
  folders+=("$work")
  if [ "$1" = peer ]; then
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo '{}' > "$work/plan.json"
    .build-peer/release/peer "$port" "$work/plan.json" > /dev/null 2>&1 &
    pid=$!
    base=http://127.0.0.1:$port
    for _ in $(seq 200); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
    TOKEN=none
  else
    bin=$1
    echo "${2:-$default_config}" > "$work/bench.json"
    start_server warning --test-clock
    prepare_report_load
  fi
  servers+=("$pid")
}

rate() { grep -oE 'requests/s=[0-9]+' "$1" | cut -d= -f2; }

echo "== A: $a_binary  B: $b_binary  (${DURATION:-8} s, ${C:-64} connections each, side by side)"
for round in $(seq "${ROUNDS:-5}"); do
  start_side "$a_binary" "${CONFIG_A:-}"; a_base=$base a_token=$TOKEN
  start_side "$b_binary" "${CONFIG_B:-}"; b_base=$base b_token=$TOKEN
  for seconds in 2 "${DURATION:-8}"; do # a warm-up, then the measured run
    TOKEN=$a_token wrk -t1 -c"${C:-64}" -d"${seconds}s" -s benchmarks/reports.lua "$a_base" > "$work/a.out" &
    a_wrk=$!
    TOKEN=$b_token wrk -t1 -c"${C:-64}" -d"${seconds}s" -s benchmarks/reports.lua "$b_base" > "$work/b.out"
    wait "$a_wrk"
  done
  a_rate=$(rate "$work/a.out") b_rate=$(rate "$work/b.out")
  python3 -c "print('round $round: A %6d/s  B %6d/s  B/A %.3f' % ($a_rate, $b_rate, $b_rate / $a_rate))"
  stop_sides
done

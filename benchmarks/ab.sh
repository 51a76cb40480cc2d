#!/usr/bin/env bash
# Two builds (or two configs) under report POSTs at the same time, each with its own wrk, so that the host's
# drift in speed hits both alike: run after run on this 2-core VM the same binary alone varied by 20 % and more;
# side by side the ratio of two copies of it stayed within 0.95-1.05. It prints each side's rate and its CPU per
# request (the server's user and system time over its requests), and the ratios of both. CPU per request is the
# sharper (two copies of one binary: 0.99-1.02): the rate also moves with the share of the cores the scheduler
# gives a side's threads, so CPU saved on a thread that is not the bottleneck goes to the other side. Neither
# shows a server's rate alone on the machine (peer.sh and reports.sh).
# Run by hand: bash benchmarks/ab.sh A_BINARY B_BINARY   (builds nothing: give two release binaries; or B = peer,
#   the Hummingbird peer, which stores nothing). CONFIG_A / CONFIG_B: JSON text merged over the bench config
#   (rate limit off) of each side; QUERY_A / QUERY_B: a query for a side's measured POSTs (`?dryRun=true`:
#   checked, not stored; the 2 s warm-up before stores reports on both sides); ROUNDS (default 5); DURATION s (default 8); C connections each (default 64).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bash benchmarks/ab.sh A_BINARY B_BINARY|peer" >&2; exit 2; }
absolute() { [ "$1" = peer ] && echo peer || echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
[ -x "$1" ] || { echo "ab.sh: $1 is no executable" >&2; exit 2; }
[ "$2" = peer ] || [ -x "$2" ] || { echo "ab.sh: $2 is no executable (or peer)" >&2; exit 2; }
a_binary=$(absolute "$1") b_binary=$(absolute "$2")
cd "$(dirname "$0")/.."
source benchmarks/common.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ "$b_binary" = peer ]; then build_peer; fi

servers=() folders=() loads=()
# Stops the round's loads and servers (waiting for their shutdown checkpoints) and removes their folders.
stop_sides() {
  if [ ${#loads[@]} -gt 0 ]; then kill "${loads[@]}" 2>/dev/null || true; fi
  if [ ${#servers[@]} -gt 0 ]; then kill "${servers[@]}" 2>/dev/null || true; wait "${servers[@]}" 2>/dev/null || true; fi
  if [ ${#folders[@]} -gt 0 ]; then rm -rf "${folders[@]}"; fi
  servers=() folders=() loads=()
}
trap stop_sides EXIT

# The bench config (rate limit off) with the JSON text $1 merged over it, key by key.
bench_config() {
  python3 - "$1" <<'PY'
import json, sys
def merge(base, extra):
    for key, value in extra.items():
        base[key] = merge(base.get(key, {}), value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return base
print(json.dumps(merge({"rateLimits": {"perTokenPerMinute": 0}}, json.loads(sys.argv[1] or "{}"))))
PY
}

# Starts one side: cleanheat with config $2 on a fresh data folder, or the peer; sets $base, $pid and $TOKEN.
start_side() {
  work=$(mktemp -d /tmp/cleanheat-ab.XXXXXX)
  folders+=("$work")
  if [ "$1" = peer ]; then
    echo '{}' > "$work/plan.json"
    start_peer "$work/plan.json" /dev/null
    pid=$peer_pid base=$peer TOKEN=none
    servers+=("$pid")
  else
    bin=$1
    bench_config "$2" > "$work/bench.json"
    start_server warning --test-clock
    servers+=("$pid")
    [ -n "$base" ] || { echo "ab.sh: $1 did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
    prepare_report_load
  fi
}

# User and system CPU the process $1 has used so far, in clock ticks (its threads included; the fields after the
# command's name, which may hold spaces). A side given as a wrapper script must `exec` the server, or this counts
# the script's CPU.
cpu_ticks() {
  if [ ! -r "/proc/$1/stat" ]; then
    echo "ab.sh: the server with pid $1 has stopped; the servers' logs end:" >&2
    for folder in "${folders[@]}"; do [ ! -f "$folder/server.log" ] || tail -5 "$folder/server.log" >&2; done
    exit 1
  fi
  sed -E 's/.*\) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# Requests/s of a wrk output; refuses a run with answers other than 2xx (a rate limit, a refused report).
rate() {
  grep -q 'non2xx=0' "$1" || { echo "ab.sh: answers other than 2xx: $(grep RESULT "$1")" >&2; exit 1; }
  grep -oE 'requests/s=[0-9]+' "$1" | cut -d= -f2
}

echo "== A: $a_binary  B: $b_binary  (${DURATION:-8} s, ${C:-64} connections each, side by side)"
ratios=() cost_ratios=()
for round in $(seq "${ROUNDS:-5}"); do
  start_side "$a_binary" "${CONFIG_A:-}"; a_base=$base a_token=$TOKEN
  start_side "$b_binary" "${CONFIG_B:-}"; b_base=$base b_token=$TOKEN
  # A warm-up of stored reports (so that a dry run is decided against a state with reports in it), then the
  # measured run with each side's query.
  for phase in warm-up measured; do
    seconds=2 a_query= b_query=
    [ "$phase" = measured ] && seconds=${DURATION:-8} a_query=${QUERY_A:-} b_query=${QUERY_B:-}
    [ "$phase" = measured ] && a_ticks=$(cpu_ticks "${servers[0]}") b_ticks=$(cpu_ticks "${servers[1]}")
    TOKEN=$a_token REPORTS_QUERY=$a_query wrk -t1 -c"${C:-64}" -d"${seconds}s" -s benchmarks/reports.lua "$a_base" > "$work/a.out" &
    loads=("$!")
    TOKEN=$b_token REPORTS_QUERY=$b_query wrk -t1 -c"${C:-64}" -d"${seconds}s" -s benchmarks/reports.lua "$b_base" > "$work/b.out"
    wait "${loads[0]}"
    loads=()
  done
  a_ticks=$(( $(cpu_ticks "${servers[0]}") - a_ticks )) b_ticks=$(( $(cpu_ticks "${servers[1]}") - b_ticks ))
  a_rate=$(rate "$work/a.out") b_rate=$(rate "$work/b.out")
  read -r ratio a_cost b_cost cost_ratio < <(python3 -c "
a_rate, b_rate, a_ticks, b_ticks, tick, seconds = map(float, '$a_rate $b_rate $a_ticks $b_ticks $(getconf CLK_TCK) ${DURATION:-8}'.split())
cost = lambda ticks, rate: ticks / tick / (rate * seconds) * 1e6 if rate > 0 else float('nan')
a_cost, b_cost = cost(a_ticks, a_rate), cost(b_ticks, b_rate)
print('%.3f %.1f %.1f %.3f' % (b_rate / max(a_rate, 1), a_cost, b_cost, b_cost / a_cost if a_cost > 0 else float('nan')))")
  ratios+=("$ratio") cost_ratios+=("$cost_ratio")
  echo "round $round: A ${a_rate}/s ${a_cost} µs CPU/req  B ${b_rate}/s ${b_cost} µs CPU/req  B/A rate ${ratio}, CPU/req ${cost_ratio}"
  stop_sides
done
# Prints "median B/A $1 ..." of the numbers after it.
median() { python3 -c "import statistics, sys; print('median B/A %s %.3f over %d rounds' % (sys.argv[1], statistics.median(map(float, sys.argv[2:])), len(sys.argv) - 2))" "$@"; }
median "of the rate" "${ratios[@]}"
median "of CPU per request" "${cost_ratios[@]}"

#!/usr/bin/env bash
# Where a durable report POST's CPU goes: server CPU per request, by thread, at C connections (default 64), with
# the machine's idle share and (when perf is installed) fdatasyncs and context switches per second. Throughput on
# a shared 2-core machine swings 20-40 % between runs; CPU per request is steadier, but drifts with the host
# too (75-104 us for one binary): to compare two builds, use benchmarks/ab.sh.
# Run by hand: bash benchmarks/cpu.sh   (C=64 DURATION=8)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
build_release
work=$(mktemp -d /tmp/cleanheat-bench.XXXXXX)
connections=${C:-64}
duration=${DURATION:-8}
echo '{"rateLimits": {"perTokenPerMinute": 0}}' > "$work/bench.json"
start_server warning --test-clock
trap 'stop_server; rm -rf "$work"' EXIT
prepare_report_load
wrk -t2 -c"$connections" -d3s -s benchmarks/reports.lua "$base" >/dev/null # warm up

# utime + stime: fields 14 and 15 of stat, counted after the command name's closing parenthesis.
thread_ticks() { for t in /proc/"$pid"/task/*; do echo "${t##*/} $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"; done; }
cpu_line() { head -1 /proc/stat; }
thread_ticks > "$work/before"
cpu_line > "$work/cpu-before"
if command -v perf >/dev/null; then
  perf stat -e context-switches,syscalls:sys_enter_fdatasync -p "$pid" -o "$work/perf" -- sleep "$duration" &
  perf_pid=$!
fi
wrk -t2 -c"$connections" -d"${duration}s" --latency -s benchmarks/reports.lua "$base" | grep RESULT | tee "$work/result"
thread_ticks > "$work/after"
cpu_line > "$work/cpu-after"
[ -n "${perf_pid:-}" ] && wait "$perf_pid"
python3 - "$work" "$duration" "$(getconf CLK_TCK)" <<'PY'
import re, sys
work, duration, hz = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rps = float(re.search(r"requests/s=(\d+)", open(f"{work}/result").read()).group(1))
requests = rps * duration
def ticks(name): return dict(line.split() for line in open(f"{work}/{name}"))
before, after = ticks("before"), ticks("after")
rows = sorted(((int(after[t]) - int(before.get(t, 0)), t) for t in after), reverse=True)
for spent, tid in rows:
    if spent > 0:
        print(f"  thread {tid:>8}: {100 * spent / hz / duration:5.1f} % of a core, {spent / hz / requests * 1e6:5.1f} us per request")
total = sum(spent for spent, _ in rows)
print(f"  server: {total / hz / requests * 1e6:.1f} us of CPU per request")
cpu = lambda name: [int(x) for x in open(f"{work}/{name}").read().split()[1:8]]
b, a = cpu("cpu-before"), cpu("cpu-after")
idle = (a[3] + a[4]) - (b[3] + b[4])
print(f"  machine idle: {100 * idle / (sum(a) - sum(b)):.0f} %")
try:
    text = open(f"{work}/perf").read()
    for event, label in (("context-switches", "context switches"), ("syscalls:sys_enter_fdatasync", "fdatasyncs")):
        count = float(re.search(r"([\d,]+)\s+" + re.escape(event), text).group(1).replace(",", ""))
        print(f"  {label}: {count / duration:.0f}/s, {count / requests:.3f} per request")
except (OSError, AttributeError):
    pass
PY

#!/usr/bin/env bash
# Durable report POSTs per second through the real HTTP API at 1, 8 and 64 connections, beside the disk's
# own fsyncs per second on the same folder. Run by hand: bash benchmarks/reports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
build_release
work=$(mktemp -d /tmp/cleanheat-bench.XXXXXX)
duration=${DURATION:-10}

echo "== disk: write 600 B + fdatasync, one at a time, 3 s, in $work"
python3 - "$work" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
n, start = 0, time.time()
while time.time() - start < 3:
    os.write(fd, b"x" * 600); os.fdatasync(fd); n += 1
print(f"fsyncs/s={n / (time.time() - start):.0f}")
os.close(fd); os.remove(path)
PY

# 0 lifts the per-token rate limit (600/min by default), which would otherwise be what this measures.
echo '{"rateLimits": {"perTokenPerMinute": 0}}' > "$work/bench.json"
start_server info --test-clock
trap 'stop_server; rm -rf "$work"' EXIT
prepare_report_load
for c in 1 8 64; do
  threads=$(( c < 2 ? 1 : 2 ))
  printf "== %3d connections: " "$c"
  wrk -t"$threads" -c"$c" -d"${duration}s" --latency -s benchmarks/reports.lua "$base" | grep RESULT
done
echo "== server RSS: $(ps -o rss= -p $pid) KiB; data folder: $(du -sh "$work/data" | cut -f1)"

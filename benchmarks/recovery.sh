#!/usr/bin/env bash
# Recovery time for a WAL of RECORDS (default one million) report records, and the on-disk size per report.
# Fills the WAL through the real API (benchmarks/reports.lua at 64 connections, checkpoints held off),
# kills the server with SIGKILL, then times a restart until it prints its listening line, which happens
# only after the whole WAL has been replayed. Run by hand: bash benchmarks/recovery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
build_release
work=$(mktemp -d /tmp/cleanheat-recovery.XXXXXX)
records=${RECORDS:-1000000}

cat > "$work/bench.json" <<JSON
{"rateLimits": {"perTokenPerMinute": 0},
 "storage": {"checkpointEveryRecords": 100000000, "checkpointEveryBytes": 68719476736, "segmentMaxBytes": 67108864}}
JSON
trap 'kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT # (set -e holds in a trap: a failing wait skipped the rm)

start_server warning --test-clock
prepare_report_load

wal_records() { # records in the WAL = reports written + the setup's few
  python3 - "$work/data/wal" <<'PY'
import os, struct, sys
n = 0
for name in sorted(os.listdir(sys.argv[1])):
    if not name.endswith(".wal"): continue
    data = open(os.path.join(sys.argv[1], name), "rb").read()
    offset = 0
    while offset + 4 <= len(data):
        (length,) = struct.unpack_from("<I", data, offset)
        if length == 0: break # the zeros a segment reserves ahead of its records: the end (docs/storage.md)
        offset += 4 + length; n += 1
print(n)
PY
}
echo "== filling the WAL to $records records (64 connections)"
started=$(date +%s)
while true; do
  n=$(wal_records)
  [ "$n" -ge "$records" ] && break
  wrk -t2 -c64 -d20s -s benchmarks/reports.lua "$base" | grep RESULT
done
echo "   $n records in $(( $(date +%s) - started )) s; server RSS $(( $(ps -o rss= -p $pid) / 1024 )) MiB"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
wal_bytes=$(du -sb "$work/data/wal" | cut -f1)
echo "== WAL: $(( wal_bytes / 1048576 )) MiB, $(( wal_bytes / n )) bytes per record"

t0=$(date +%s.%N)
start_server warning --test-clock
t1=$(date +%s.%N)
echo "== restart after SIGKILL: replayed $n records, listening after $(echo "$t1 - $t0" | bc) s; RSS $(( $(ps -o rss= -p $pid) / 1024 )) MiB"
admin=$(cat "$work/data/bootstrap-token")
curl -fsS -X POST "$base/api/v1/admin/checkpoint" -H "Authorization: Bearer $admin" >/dev/null
snapshot_bytes=$(du -sb "$work"/data/snapshot-* | cut -f1)
echo "== snapshot after a checkpoint: $(( snapshot_bytes / 1048576 )) MiB, $(( snapshot_bytes / n )) bytes per report revision (with its audit entry)"
kill "$pid"; wait "$pid" 2>/dev/null || true
t0=$(date +%s.%N)
start_server warning --test-clock
t1=$(date +%s.%N)
echo "== restart from that snapshot: listening after $(echo "$t1 - $t0" | bc) s; RSS $(( $(ps -o rss= -p $pid) / 1024 )) MiB"

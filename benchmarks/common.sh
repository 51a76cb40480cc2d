# Shared by the benchmark scripts: sourced, not run.

# Installs wrk when missing and builds the release binary into .build-release; sets $bin.
build_release() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  swift build -c release --product cleanheat --scratch-path .build-release >/dev/null
  bin=.build-release/release/cleanheat
}

# Builds the Hummingbird peer (benchmarks/peer, its own package; the first build takes minutes) into .build-peer.
build_peer() {
  mkdir -p .build-peer
  swift build -c release --package-path benchmarks/peer --scratch-path .build-peer > .build-peer/build.log 2>&1 \
    || { echo "the peer did not build (.build-peer/build.log)" >&2; return 1; }
}

# Starts the peer on a free port serving the plan file $1, its output to $2; waits until it answers.
# Sets $peer_pid and $peer.
start_peer() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  .build-peer/release/peer "$port" "$1" > "$2" 2>&1 &
  peer_pid=$!
  peer=http://127.0.0.1:$port
  for _ in $(seq 200); do curl -fsS "$peer/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
}

# Starts the server on $work/data with $work/bench.json at log level $1 (default info), passing any further
# flags; waits for its listening line (up to 10 minutes: a restart replays the whole WAL first) or its end.
# Sets $pid and $base (empty when it did not start).
start_server() {
  local level=${1:-info}
  shift || true
  : > "$work/stdout"
  CLEANHEAT_LOG_LEVEL=$level "$bin" serve --port 0 --data "$work/data" --config "$work/bench.json" "$@" \
    > "$work/stdout" 2>> "$work/server.log" &
  pid=$!
  for _ in $(seq 12000); do
    grep -q listening "$work/stdout" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break # it stopped (a bad config or binary): its reason is in $work/server.log
    sleep 0.05
  done
  base=$(sed -E 's/listening on //' "$work/stdout")
}

# Stops the server and waits for it: its shutdown checkpoint still writes into $work, which a trap's `rm -rf`
# would otherwise race and leave behind (hundreds of MB per run).
stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }

# Sets the test clock, issues an office token (exported as TOKEN for benchmarks/reports.lua) and registers
# one village per township for the reports to name. Needs $base and $work/data/bootstrap-token.
prepare_report_load() {
  local admin
  admin=$(cat "$work/data/bootstrap-token")
  curl -fsS -X POST "$base/api/v1/_test/clock" -H 'Content-Type: application/json' \
    -d '{"now":"2022-03-01T12:00:00+08:00"}' >/dev/null
  TOKEN=$(curl -fsS -X POST "$base/api/v1/tokens" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"role":"office","label":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
  export TOKEN
  local unit
  for unit in beiwangzhuang nancheng beicheng shentou-street shentou-town xiaopingyi xiatuanpu yaozitou nanyulin \
              limin zirun zhangcaizhuang shalenghe; do
    curl -fsS -X POST "$base/api/v1/villages" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\":\"bench-$unit\",\"name\":\"测试村\",\"unit\":\"$unit\",\"area\":\"rural\",\"targets\":{\"biomass\":300}}" >/dev/null
  done
}

# One wrk run of GET $base$2 at $3 connections (optional header $4), printed as one line named $1.
# Reads $base and $duration.
wrk_get() {
  local threads=$(( $3 < 2 ? 1 : 2 ))
  local out
  out=$(wrk -t"$threads" -c"$3" -d"${duration}s" --latency ${4:+-H "$4"} "$base$2")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf "%-30s %4d conns  %10s req/s  p99 %8s  %s\n" "$1" "$3" "$rps" "$p99" "$errors"
}

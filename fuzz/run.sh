#!/usr/bin/env bash
# Fuzzes the HTTP head parser (with chunked bodies, pipelined) and the JSON reader with libFuzzer and AddressSanitizer,
# SECONDS_EACH seconds each (default 300). Run by hand from anywhere: bash fuzz/run.sh
# Crashes land in fuzz/out/ as crash-* files (replay one: fuzz/out/FuzzHead fuzz/out/crash-…); the grown corpora
# stay in fuzz/out/corpus-* and are reused by the next run.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${SECONDS_EACH:-300}
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing -Xswiftc -gnone)
mkdir -p out
for target in FuzzHead FuzzJSON; do
  # SwiftPM compiles; the link is done here with lld, as gold (the default) fails on the sanitizer runtime's objects.
  swift build -c release --product "$target" "${flags[@]}" --scratch-path .build >/dev/null 2>&1 || true
  release=$(swift build -c release --scratch-path .build --show-bin-path)
  [ -f "$release/$target.product/Objects.LinkFileList" ] || { echo "$target: compile failed; run: swift build -c release --product $target ${flags[*]}"; exit 1; }
  swiftc -L/usr/lib/x86_64-linux-gnu -lz -lssl -lcrypto -L "$release" -o "out/$target" -module-name "$target" -emit-executable \
    -Xlinker --gc-sections -Xlinker --defsym -Xlinker "main=${target}_main" "@$release/$target.product/Objects.LinkFileList" \
    -sanitize=fuzzer,address -parse-as-library -use-ld=lld
  seeds=seeds/$( [ "$target" = FuzzHead ] && echo head || echo json )
  corpus=out/corpus-$target
  mkdir -p "$corpus"
  cp -n "$seeds"/* "$corpus"/
  echo "== $target, ${seconds}s"
  (cd out && "./$target" "corpus-$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 2>&1) \
    | grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|ERROR|crash-|panic|Fatal|precondition' || true
done

#!/usr/bin/env bash
# Case 4, artifacts: hashing a large checkpoint as exp:run hashes every output (Sha256.of, streamed),
# against sha256sum on the same file; and the JVM's peak heap for a small and a large file, which must
# not grow with the file. Contract: see bench/run.sh.
set -euo pipefail
cd "$BENCH_ROOT"
big_mib=$([[ "$BENCH_QUICK" == 1 ]] && echo 512 || echo 2048)
runs=$([[ "$BENCH_QUICK" == 1 ]] && echo 3 || echo 7)
./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$BENCH_WORK/cp.txt" >/dev/null
cp="target/test-classes:target/classes:$(cat "$BENCH_WORK/cp.txt")"
small="$BENCH_WORK/small.pt"
big="$BENCH_WORK/big.pt"
head -c $((64 << 20)) /dev/urandom > "$small"
head -c $((big_mib << 20)) /dev/urandom > "$big"
ours=$(java -cp "$cp" dev.exprun.artifacts.bench.HashBenchmark "$big")
[[ "${ours%% *}" == "$(sha256sum "$big" | cut -d' ' -f1)" ]] || { echo "artifacts: sha256 differs from sha256sum" >&2; exit 1; }
heap_small=$(java -cp "$cp" dev.exprun.artifacts.bench.HashBenchmark "$small" | sed 's/.*heap-allocated-bytes=//')
heap_big=${ours##*heap-allocated-bytes=}
hyperfine -N -w 1 -r "$runs" --export-json "$BENCH_WORK/artifacts.json" \
  -n "sha256sum (${big_mib} MiB)" "sha256sum $big" \
  -n "exp Sha256.of (${big_mib} MiB, JVM start included)" "java -cp $cp dev.exprun.artifacts.bench.HashBenchmark $big" >/dev/null
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$BENCH_WORK/artifacts.json" \
  --title "Artifacts: hashing a ${big_mib} MiB checkpoint" --peer "sha256sum (${big_mib} MiB)" \
  --ours "exp Sha256.of (${big_mib} MiB, JVM start included)" --aim-ratio $(python3 -c 'print(1/0.9)') \
  --aim "hashing speed at least 0.9x of sha256sum (ratio of times at most 1.11x)" \
  --note "Heap allocated while hashing: $((heap_small >> 10)) KiB for a 64 MiB file, $((heap_big >> 10)) KiB for a ${big_mib} MiB file (streamed through one buffer: memory does not grow with the file)." \
  --command "bench/run.sh artifacts" > "$BENCH_OUT/artifacts.md"

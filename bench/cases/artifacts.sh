#!/usr/bin/env bash
# Case 4, artifacts: hashing a large checkpoint as exp:run hashes every output (Sha256.of, streamed),
# against sha256sum on the same file; and the JVM's peak heap for a small and a large file, which must
# not grow with the file. Contract: see bench/run.sh.
set -euo pipefail
cd "$BENCH_ROOT"
big_mib=$([[ "$BENCH_QUICK" == 1 ]] && echo 512 || echo 2048)
runs=$([[ "$BENCH_QUICK" == 1 ]] && echo 3 || echo 7)
# shellcheck source=bench/lib/classpath.sh
. "$BENCH_ROOT/bench/lib/classpath.sh"
cp=$(bench_classpath "$BENCH_ROOT" "$BENCH_WORK")
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

# The Maven JVM: a real exp:run whose container copies the checkpoint (from the workspace) into its
# output dir, which exp:run then hashes and attaches. Peak heap = the largest heap in use that the GC
# log shows (before each collection, and at exit); -Xmx256m caps it so a file read into memory fails.
if [ -f /run/exp-test-engine.env ] && [ -z "${DOCKER_HOST:-}" ]; then . /run/exp-test-engine.env; fi
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"
maven_peak() { # file -> "peak-MiB seconds sha256-ok"
  local proj="$BENCH_WORK/artifacts-run" gclog="$BENCH_WORK/gc.log"
  exp_project "$proj" artifacts localhost/exp-test/tiny:1 'cp data/model.pt "$EXP_OUTPUT_DIR/model.pt"' "$version"
  mkdir -p "$proj/data"; echo data/ >> "$proj/.gitignore"; git -C "$proj" commit -qam ignore-data
  ln "$1" "$proj/data/model.pt" 2>/dev/null || cp "$1" "$proj/data/model.pt"
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$proj" && MAVEN_OPTS="-Xmx256m -Xlog:gc,gc+heap+exit:file=$gclog" "$BENCH_ROOT/mvnw" -o -q exp:run >/dev/null)
  t1=$(date +%s.%N)
  local run_id sha
  run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runId"])' "$proj/target/exp/last-run.json")
  sha=$(python3 -c 'import json,sys; print([o["sha256"] for o in json.load(open(sys.argv[1]))["outputs"] if o["path"]=="model.pt"][0])' \
    "$proj/target/exp/runs/$run_id/run.json")
  python3 - "$gclog" "$t0" "$t1" "$sha" "$(sha256sum "$1" | cut -d' ' -f1)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
mib = [int(m) / (1024 if u == "K" else 1) for m, u in re.findall(r"(\d+)([MK])->\d+[MK]\(", text)]
mib += [int(k) / 1024 for k in re.findall(r"garbage-first heap\s+total \d+K, used (\d+)K", text)]
print("%.0f %.1f %s" % (max(mib), float(sys.argv[3]) - float(sys.argv[2]), "ok" if sys.argv[4] == sys.argv[5] else "DIFFERS"))
PY
}
read -r peak_small secs_small ok_small < <(maven_peak "$small")
read -r peak_big secs_big ok_big < <(maven_peak "$big")
[[ "$ok_small $ok_big" == "ok ok" ]] || { echo "artifacts: the run record's sha256 differs from sha256sum" >&2; exit 1; }

python3 "$BENCH_ROOT/bench/lib/report.py" --json "$BENCH_WORK/artifacts.json" \
  --title "Artifacts: hashing a ${big_mib} MiB checkpoint" --peer "sha256sum (${big_mib} MiB)" \
  --ours "exp Sha256.of (${big_mib} MiB, JVM start included)" --aim-ratio $(python3 -c 'print(1/0.9)') \
  --aim "hashing speed at least 0.9x of sha256sum (ratio of times at most 1.11x)" \
  --note "Heap allocated while hashing: $((heap_small >> 10)) KiB for a 64 MiB file, $((heap_big >> 10)) KiB for a ${big_mib} MiB file (streamed through one buffer: memory does not grow with the file)." \
  --note "The Maven JVM, \`mvn exp:run\` under \`-Xmx256m\` attaching a checkpoint its container wrote: peak heap in use ${peak_small} MiB with a 64 MiB checkpoint (build ${secs_small} s), ${peak_big} MiB with a ${big_mib} MiB one (build ${secs_big} s); the sha256 in the run record equals sha256sum's both times." \
  --command "bench/run.sh$([[ "$BENCH_QUICK" == 1 ]] && echo " --quick") artifacts" > "$BENCH_OUT/artifacts.md"

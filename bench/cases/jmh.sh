#!/usr/bin/env bash
# In-process figures with JMH, each against its peer measured in the same JVM and run:
#   - git: GitProvenanceResolver.resolve() (what exp:run calls) vs native git status + describe
#     (a process per op), one modified file; aim 1.5x.
#   - history: RunNotes.readAll() on 10,000 runs over 2,000 commits vs git log --notes=exprun; aim 2x.
#   - hashing: Sha256.of (what exp:run does per output) vs the sha256sum program; aim 1/0.9.
# Warm JIT, page-cached files: the cold costs (JVM start, class loading) are in the whole-command
# cases (git, history, overhead). The benchmarks live in src/test/java/**/bench/*Jmh.java.
# Contract: see bench/run.sh.
set -euo pipefail
cd "$BENCH_ROOT"
# shellcheck source=bench/lib/classpath.sh
. "$BENCH_ROOT/bench/lib/classpath.sh"
cp=$(bench_classpath "$BENCH_ROOT" "$BENCH_WORK")
if [[ "$BENCH_QUICK" == 1 ]]; then
  files=1000,20000; mib=256; opts=(-f 1 -wi 1 -w 1s -i 3 -r 1s); hash_opts=("${opts[@]}")
else
  # A 2 GiB sha256sum takes seconds per operation: fewer iterations there.
  files=1000,50000,200000; mib=2048; opts=(-f 1 -wi 5 -w 2s -i 10 -r 2s); hash_opts=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
fi
jmh() { # result-file args...
  local out=$1; shift
  java -cp "$cp" org.openjdk.jmh.Main "$@" -rf json -rff "$out" >&2
}
jmh "$BENCH_WORK/git.json" 'dev.exprun.git.bench.ResolveJmh' -p files="$files" "${opts[@]}"
jmh "$BENCH_WORK/notes.json" 'dev.exprun.history.bench.NotesJmh' "${opts[@]}"
jmh "$BENCH_WORK/hash.json" 'dev.exprun.artifacts.bench.HashJmh' -p mib="$mib" "${hash_opts[@]}"
quick=""
if [[ "$BENCH_QUICK" == 1 ]]; then quick=" --quick"; fi
{
  python3 bench/lib/jmh_report.py --title "In process (JMH): git provenance" --aim-ratio 1.5 \
    --note "One modified file; ours also writes the full patch. The peer is two git processes per operation, so its figure includes starting two processes." \
    --command "bench/run.sh$quick jmh" "$BENCH_WORK/git.json"
  python3 bench/lib/jmh_report.py --title "In process (JMH): reading the run history" --aim-ratio 2 \
    --note "10,000 runs over 2,000 commits, after git gc. Ours parses every note line into a record (Jackson); git log prints them." \
    --command "bench/run.sh$quick jmh" "$BENCH_WORK/notes.json"
  python3 bench/lib/jmh_report.py --title "In process (JMH): hashing a ${mib} MiB checkpoint" --aim-ratio 1.11 \
    --note "Aim: at least 0.9x sha256sum's speed, that is a time ratio of at most 1.11x. The file is in the page cache for both." \
    --command "bench/run.sh$quick jmh" "$BENCH_WORK/hash.json"
} > "$BENCH_OUT/jmh.md"
cat "$BENCH_OUT/jmh.md"

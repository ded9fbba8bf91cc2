#!/usr/bin/env bash
# Case "report": exp:report on the history case's repository (10,000 noted runs over 2,000 commits, built by
# NotesBenchmark), 50 of those runs with a run directory here (run.json and out/metrics.jsonl of 100,000 steps: loss
# and val_acc, a few spikes, one NaN; 10 runs of 20,000 steps with --quick), written by ReportBenchRuns.
# (1) `mvn exp:report -Dexp.objective=val_acc -Dexp.metrics=val_acc,loss` (and with -Dexp.all=true) against
# `mvn validate` (Maven's start alone). Aim: the report adds under 3 s over mvn validate.
# (2) The size of target/exp/report/index.html. Aim: under 5 MB.
# (3) The page's load in headless Chromium, by the browser's own timing (dev.exprun.testing.PageTiming), the median of
# 5 loads (3 with --quick). Aim: usable within 1 s (loadEventEnd and first contentful paint under 1000 ms).
# The page is checked before anything is reported: every run in the table, both charts, the expected runs overlaid.
# Env: BENCH_ROOT, BENCH_WORK, BENCH_OUT, BENCH_QUICK. Contract: see bench/run.sh.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then warmup=1; runs=3; dirs=10; steps=20000; loads=3; else warmup=2; runs=5; dirs=50; steps=100000; loads=5; fi
commits=2000
per_commit=5
total=$((commits * per_commit))
thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
cd "$BENCH_ROOT"
mkdir -p "$BENCH_OUT"
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
max_runs=$(sed -n 's/.*int DEFAULT_MAX_RUNS = \([0-9]*\);.*/\1/p' src/main/java/dev/exprun/report/ExperimentReport.java)
[ -n "$max_runs" ] || { echo "report: no DEFAULT_MAX_RUNS in ExperimentReport.java" >&2; exit 1; }
overlaid=$((dirs < max_runs ? dirs : max_runs))
# shellcheck source=bench/lib/classpath.sh
. "$BENCH_ROOT/bench/lib/classpath.sh"
cp=$(bench_classpath "$BENCH_ROOT" "$BENCH_WORK")
[ -f "$BENCH_ROOT/target/test-classes/dev/exprun/testing/PageTiming.class" ] \
  || { echo "report: dev.exprun.testing.PageTiming is not there (src/test/java/dev/exprun/testing/PageTiming.java)" >&2; exit 1; }

# The repository (git fast-import, one notes tree; one timing iteration: its figures are the history case's) and the
# run directories of $dirs of its runs, spread over its history.
repo="$BENCH_WORK/repo"
t0=$(date +%s)
java -cp "$cp" dev.exprun.history.bench.NotesBenchmark "$repo" "$commits" "$per_commit" 1 > "$BENCH_WORK/notes.log" 2>&1 \
  || { cat "$BENCH_WORK/notes.log" >&2; exit 1; }
java -cp "$cp" dev.exprun.history.bench.ReportBenchRuns "$repo" "$dirs" "$steps" 2> "$BENCH_WORK/runs.log" > "$BENCH_WORK/ids.txt" \
  || { cat "$BENCH_WORK/runs.log" >&2; exit 1; }
[ "$(wc -l < "$BENCH_WORK/ids.txt")" = "$dirs" ] || { echo "report: $(wc -l < "$BENCH_WORK/ids.txt") run directories, not $dirs" >&2; exit 1; }
series_mib=$(du -smc "$repo"/target/exp/runs/*/out/metrics.jsonl | tail -1 | cut -f1)
built=$(( $(date +%s) - t0 ))
cat > "$repo/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>report</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>dev.exprun</groupId><artifactId>exp-maven-plugin</artifactId><version>$version</version>
  </plugin></plugins></build>
</project>
POM
cd "$repo"
mvn="$BENCH_ROOT/mvnw -o -q"
report_args=(-Dexp.objective=val_acc "-Dexp.metrics=val_acc,loss")
json="$BENCH_WORK/report.json"
load_before=$(cut -d' ' -f1 /proc/loadavg)
hyperfine -N -w "$warmup" -r "$runs" --export-json "$json" \
  -n 'mvn validate (Maven start)' "$mvn validate" \
  -n 'mvn exp:report' "$mvn exp:report ${report_args[*]}" \
  -n 'mvn exp:report -Dexp.all=true' "$mvn exp:report ${report_args[*]} -Dexp.all=true" >&2
load_after=$(cut -d' ' -f1 /proc/loadavg)

# The page as the plain command writes it, checked before anything about it is reported.
"$BENCH_ROOT/mvnw" -o -B exp:report "${report_args[@]}" > "$BENCH_WORK/report.log" 2>&1 || { tail -40 "$BENCH_WORK/report.log" >&2; exit 1; }
index="$repo/target/exp/report/index.html"
[ -f "$index" ] || { echo "report: no $index" >&2; exit 1; }
fail() { echo "report: $index: $*" >&2; exit 1; }
rows=$(grep -c '^<tr class="' "$index" || true)
[ "$rows" = "$total" ] || fail "$rows table rows, not $total"
grep -q ">$total run(s); " "$index" || fail "does not say $total run(s)"
for metric in val_acc loss; do
  grep -q "aria-label=\"$metric by step\"" "$index" || fail "no chart of $metric"
done
grep -q ">$overlaid run(s) overlaid: the best by val_acc" "$index" || fail "not $overlaid run(s) overlaid: $(grep -o '[0-9]* run(s) overlaid[^<]*' "$index")"
grep -o '<section id="run-[^"]*"' "$index" | sed 's/.*id="run-\(.*\)"/\1/' > "$BENCH_WORK/details.txt"
[ "$(wc -l < "$BENCH_WORK/details.txt")" -ge "$overlaid" ] || fail "$(wc -l < "$BENCH_WORK/details.txt") run details, fewer than $overlaid"
if grep -vxFf "$BENCH_WORK/ids.txt" "$BENCH_WORK/details.txt" >&2; then fail "details of runs without a run directory here (above)"; fi
curves=$(grep -c '<g class="curve"' "$index" || true)
[ "$curves" -ge $((2 * overlaid)) ] || fail "$curves curves, fewer than 2 charts x $overlaid runs"
bytes=$(stat -c %s "$index")

# The page in headless Chromium, $loads loads: one JSON line each. PageTiming exits 1 when the page made a request or
# complained (its figures still stand, and the note says so); with no figures, or any other exit, the case fails.
: > "$BENCH_WORK/timing.jsonl"
: > "$BENCH_WORK/complaints.txt"
for _ in $(seq "$loads"); do
  rc=0
  java -cp "$cp" dev.exprun.testing.PageTiming "$index" > "$BENCH_WORK/timing.out" 2> "$BENCH_WORK/timing.err" || rc=$?
  if { [ "$rc" != 0 ] && [ "$rc" != 1 ]; } || ! grep -q '^{' "$BENCH_WORK/timing.out"; then
    echo "report: PageTiming exited $rc:" >&2; cat "$BENCH_WORK/timing.out" "$BENCH_WORK/timing.err" >&2; exit 1
  fi
  grep '^{' "$BENCH_WORK/timing.out" | tail -1 >> "$BENCH_WORK/timing.jsonl"
  grep -E '^(request|complaint|proxy): ' "$BENCH_WORK/timing.err" >> "$BENCH_WORK/complaints.txt" || true
done

python3 - "$json" "$bytes" "$BENCH_WORK/timing.jsonl" "$loads" "$BENCH_WORK/complaints.txt" > "$BENCH_WORK/figures.md" <<'PY'
import json, statistics, sys
r = {x['command']: statistics.median(x['times']) for x in json.load(open(sys.argv[1]))['results']}
validate, everything = r['mvn validate (Maven start)'], r['mvn exp:report -Dexp.all=true']
print(f"With -Dexp.all=true (every ref, not only HEAD's history) exp:report adds {everything - validate:.2f} s to mvn validate "
      f"(aim: under 3 s: **{'met' if everything - validate < 3 else 'missed'}**).\n")
size = int(sys.argv[2])
print(f"index.html: {size / 1e6:.2f} MB ({size} bytes; aim: under 5 MB: **{'met' if size < 5e6 else 'missed'}**).\n")
loads = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
if len(loads) != int(sys.argv[4]):
    raise SystemExit(f"report: {len(loads)} page timings, not {sys.argv[4]}")
keys = ['loadEventEndMs', 'domContentLoadedMs', 'firstContentfulPaintMs', 'sortClickMs', 'requests', 'consoleErrors']
for l in loads:
    missing = [k for k in keys if not isinstance(l.get(k), (int, float))]
    if missing:
        raise SystemExit(f"report: a page timing without {missing}: {l}")
m = {k: statistics.median(l[k] for l in loads) for k in keys}
spread = {k: (min(l[k] for l in loads), max(l[k] for l in loads)) for k in keys}
usable = m['loadEventEndMs'] < 1000 and m['firstContentfulPaintMs'] < 1000
print(f"The page in headless Chromium, by the browser's own timing (median of {len(loads)} loads, min–max): "
      f"DOMContentLoaded {m['domContentLoadedMs']:.0f} ms ({spread['domContentLoadedMs'][0]:.0f}–{spread['domContentLoadedMs'][1]:.0f}), "
      f"first contentful paint {m['firstContentfulPaintMs']:.0f} ms ({spread['firstContentfulPaintMs'][0]:.0f}–{spread['firstContentfulPaintMs'][1]:.0f}), "
      f"loadEventEnd {m['loadEventEndMs']:.0f} ms ({spread['loadEventEndMs'][0]:.0f}–{spread['loadEventEndMs'][1]:.0f}); "
      f"aim: usable within 1 s (loadEventEnd and first contentful paint under 1000 ms): **{'met' if usable else 'missed'}**. "
      f"Sorting the runs table by a click on a heading: {m['sortClickMs']:.0f} ms "
      f"({spread['sortClickMs'][0]:.0f}–{spread['sortClickMs'][1]:.0f}). Requests the page made: {max(l['requests'] for l in loads)}, "
      f"console errors and warnings: {max(l['consoleErrors'] for l in loads)}, proxy connections: {max(l.get('proxyConnections', 0) for l in loads)} "
      f"(the most of any load; a self-contained page makes none).")
complaints = sorted(set(l.strip() for l in open(sys.argv[5]) if l.strip()))
if complaints:
    print("\nWhat the page asked for or complained of: " + "; ".join(f"`{c}`" for c in complaints[:5])
          + (f" and {len(complaints) - 5} more" if len(complaints) > 5 else "") + ".")
PY
notes=("$(cat "$BENCH_WORK/figures.md")")
notes+=("The repository: $(thousands "$commits") commits with $(thousands "$total") noted runs (NotesBenchmark, one notes tree, after git gc), $dirs of those runs with a run directory here (ReportBenchRuns: run.json, and out/metrics.jsonl of $(thousands "$steps") steps of loss and val_acc with spikes and one NaN; $series_mib MiB of series in all), built in $built s. Checked on the page before timing it: $(thousands "$total") table rows, a chart each of val_acc and loss, $overlaid run(s) overlaid (the best by val_acc, up to $max_runs), their details, every one a run with its directory here. Maven runs offline (\`-o -q\`); the load average was $load_before before the timed runs and $load_after after them, on $(nproc) cores.")
args=()
for n in "${notes[@]}"; do args+=(--note "$n"); done
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$json" \
  --title "Report: $(thousands "$total") runs over $(thousands "$commits") commits, $dirs with $(thousands "$steps")-step series" \
  --peer 'mvn validate (Maven start)' --ours 'mvn exp:report' --aim-added 3 \
  --aim 'exp:report over mvn validate' \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") report" \
  "${args[@]}" > "$BENCH_OUT/report.md"
cat "$BENCH_OUT/report.md"

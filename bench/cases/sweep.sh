#!/usr/bin/env bash
# Case 10, "Sweep makespan", on each engine (Podman, then Docker, as provisioned by scripts/test-engine.sh):
# 24 trials of `sh -c 'sleep 2'` in the tiny busybox image, 4 at once, through `mvn exp:sweep` as users run
# it (each trial a complete run: record, log, git note), against the hand-made peer
# `seq 24 | xargs -P4 -I{} docker run --rm IMAGE sh -c 'sleep 2'`, in the same run as one container start
# (`docker run --rm IMAGE true`), one Maven start (`mvn validate` on the same project) and the plugin loaded
# with nothing run (`exp:sweep -Dexp.skip=true`). The ideal: 6 waves x 2 s + one container start.
# Aim (the sweep's issue): sweep <= 1.05 x xargs + one Maven start.
# Before the timed runs, one untimed sweep with the plugin's debug log (timestamped) checks that the sweep
# runs, warms the engine, and gives the phase totals and each trial's note time. bench/lib/sweep_report.py
# adds, from the last timed sweep's records (sweep.json, each trial's run.json), each trial's start latency,
# the gap on a slot between one trial's end and the next one's start, and the makespan against the build.
# Contract: see bench/run.sh. Alone (the plugin installed in ~/.m2 first, as bench/run.sh does):
#   BENCH_ROOT=$PWD BENCH_WORK=$(mktemp -d) BENCH_OUT=<dir> BENCH_QUICK=1 bash bench/cases/sweep.sh
# Env: EXP_TEST_PODMAN_HOST / EXP_TEST_DOCKER_HOST (from /run/exp-test-engine.env). Needs hyperfine, the
# docker CLI, the image localhost/exp-test/tiny:1 in each engine.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ]; then . /run/exp-test-engine.env; fi
image=localhost/exp-test/tiny:1
trials=24
parallel=4
sleep_s=2
space="x=1,2,3,4,5,6;y=1,2,3,4"
# runs: each sweep and xargs row (about 15-25 s each); short_runs: the rows of a few seconds, after 1 warm-up.
if [ "$quick" = 1 ]; then runs=2; short_runs=3; mode="quick mode: $runs runs of the sweep and of xargs, $short_runs of each short row"
else runs=5; short_runs=5; mode="$runs runs of the sweep and of xargs, $short_runs of each short row"; fi
mode="$mode; the short rows after 1 warm-up, the sweep and xargs after the untimed check sweep"
mvnw="$BENCH_ROOT/mvnw"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"

bench_engines sweep

dirs=()
for entry in "${engines[@]}"; do
  engine=${entry%%=*}
  export DOCKER_HOST=${entry#*=}
  data="$BENCH_WORK/$engine"
  proj="$BENCH_WORK/sweep-$engine"
  mkdir -p "$data"
  exp_project "$proj" "sweep-$engine" "$image" "sleep $sleep_s" "$version"
  server=$(docker version --format '{{.Server.Version}}' 2>/dev/null | head -1 || echo unknown)

  # What hyperfine runs (-N, no shell of its own): one script per row, so the quoting stays readable.
  cat > "$data/xargs.sh" <<EOF
seq $trials | xargs -P$parallel -I{} docker run --rm $image sh -c 'sleep $sleep_s'
EOF
  cat > "$data/sweep.sh" <<EOF
cd '$proj' && exec '$mvnw' -o -B exp:sweep '-Dexp.sweep=$space' -Dexp.parallel=$parallel > '$data/sweep.log' 2>&1
EOF
  cat > "$data/skip.sh" <<EOF
cd '$proj' && exec '$mvnw' -o -B exp:sweep '-Dexp.sweep=$space' -Dexp.parallel=$parallel -Dexp.skip=true > /dev/null
EOF
  cat > "$data/validate.sh" <<EOF
cd '$proj' && exec '$mvnw' -o -B validate > /dev/null
EOF

  # Checks, untimed: the engine runs the image; the sweep runs all trials (debug log, timestamps, kept).
  docker run --rm "$image" true
  if ! (cd "$proj" && "$mvnw" -o -B exp:sweep "-Dexp.sweep=$space" -Dexp.parallel=$parallel \
        -Dorg.slf4j.simpleLogger.log.dev.exprun=debug -Dorg.slf4j.simpleLogger.showDateTime=true \
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX") > "$data/check.log" 2>&1; then
    echo "sweep: the check sweep on $engine failed:" >&2; tail -40 "$data/check.log" >&2; exit 1
  fi
  cp "$proj/target/exp/last-sweep.json" "$data/check-sweep.json"

  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  hyperfine -N -w 1 -r "$short_runs" --export-json "$data/short.json" \
    -n 'docker run --rm tiny true (one container start)' "docker run --rm $image true" \
    -n 'mvn validate (one Maven start)' "bash $data/validate.sh" \
    -n 'mvn exp:sweep -Dexp.skip=true (plugin loaded, nothing run)' "bash $data/skip.sh" >&2
  # The sweep last: the project's last sweep is then the last timed run, whose records the report reads.
  if ! hyperfine -N -w 0 -r "$runs" --export-json "$data/long.json" \
    -n 'xargs -P4 docker run --rm, 24 containers (peer)' "bash $data/xargs.sh" \
    -n 'mvn exp:sweep (24 trials, parallel=4)' "bash $data/sweep.sh" >&2; then
    echo "sweep: a timed run on $engine failed; the last sweep's log:" >&2; tail -40 "$data/sweep.log" >&2; exit 1
  fi
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  printf '%s\n' "engine=$engine" "server=$engine $server" "host=$DOCKER_HOST" "project=$proj" \
    "load_before=$load_before" "load_after=$load_after" > "$data/meta"
  echo "sweep: $engine: the last sweep's log:" >&2
  grep -v '^\[INFO\] *$' "$data/sweep.log" | sed -n '/Sweep .*trial(s)/,$p' | grep -v 'queued,' >&2 || true
  dirs+=("$data")
done

python3 "$BENCH_ROOT/bench/lib/sweep_report.py" --date "$(date -u +%Y-%m-%d)" \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") sweep" --mode "$mode" \
  --space "$space" --trials "$trials" --parallel "$parallel" --sleep "$sleep_s" --runs "$runs" "${dirs[@]}" > "$BENCH_OUT/sweep.md"
cat "$BENCH_OUT/sweep.md"

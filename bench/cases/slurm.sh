#!/usr/bin/env bash
# Case 11, "Slurm executor", on the one-node Slurm cluster that scripts/test-engine.sh provisions (8 CPUs to
# Slurm, partition debug, Podman on the node). Two questions from the Slurm issue, each against a hand-made
# peer measured in the same run:
# (1) one run: `mvn exp:run -Dexp.executor=slurm` (at the default pollInterval of 5 s and at 1 s) on a tiny
#     project whose command prints a line, sleeps 2 s and prints another, against the same container in a
#     hand-written job script (`podman run --rm IMAGE sh -c '...'`) submitted with `sbatch --parsable --wait`,
#     bare and after `mvn validate` (Maven's own start, as the overhead case does with `docker run`); one
#     Maven start and the local executor's `exp:run` beside them. Wall times by hyperfine; then, untimed,
#     bench/lib/slurm_probe.py times the first line: for ours from the plugin's timestamped log (`Slurm job N
#     submitted` to `[out] first-line`), for the peer by reading its output file every 10 ms; the container
#     prints its own clock (/proc/uptime) in both, so Slurm's start and the file follower come apart.
# (2) the Slurm commands a build runs while 8 jobs run at once: `mvn exp:sweep -Dexp.executor=slurm` of 8
#     trials sleeping 30 s (10 s in quick mode) at pollInterval 5 s and 1 s, counted by the plugin itself
#     (its debug line `Slurm commands run by this build: {...}`), against the naive peer that submits the
#     same 8 jobs and asks `squeue -j ID` for each job every second (measured), per job every 5 s and
#     submitit's batched back-off (computed). slurmctld's own RPC counts (sdiag) before and after each.
# No aim in the issue: the figures are reported, nothing passes or fails on a time. The case fails when a
# run or a job fails, or a log line it reads is missing.
# Contract: see bench/run.sh. Alone (installs the plugin into ~/.m2 when the installed one is older than the
# sources):  BENCH_ROOT=$PWD BENCH_WORK=$(mktemp -d) BENCH_OUT=<dir> BENCH_QUICK=1 bash bench/cases/slurm.sh
# Env: SLURM_CONF, DOCKER_HOST, CONTAINERS_CONF (from /run/exp-test-engine.env). Needs hyperfine, the Slurm
# client commands (sbatch, squeue, sdiag), podman, the image localhost/exp-test/tiny:1 in Podman's store.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ]; then . /run/exp-test-engine.env; fi
export DOCKER_HOST=${EXP_TEST_PODMAN_HOST:-${DOCKER_HOST:-}}
image=localhost/exp-test/tiny:1
trials=8
# runs: each timed row (after 1 warm-up); first_runs: the untimed runs of each side for the first-line figures
# (Slurm's start varies by a second from job to job); sweep_s: how long each of the 8 jobs sleeps.
if [ "$quick" = 1 ]; then runs=3; first_runs=3; sweep_s=10; mode="quick mode: "; else runs=5; first_runs=10; sweep_s=30; mode=""; fi
mode="$mode$runs runs of each timed row after 1 warm-up, $first_runs untimed runs of each side for the first-line figures, one sweep at each pollInterval with jobs of $sweep_s s"
mvnw="$BENCH_ROOT/mvnw"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"

for c in sbatch squeue sdiag scontrol podman hyperfine; do
  command -v "$c" >/dev/null || { echo "slurm: $c is not on the PATH (run scripts/test-engine.sh; bench/run.sh installs hyperfine)" >&2; exit 1; }
done
if [ -z "${SLURM_CONF:-}" ] || ! timeout 15 scontrol ping | grep -q 'is UP'; then
  echo "slurm: no Slurm cluster answers (SLURM_CONF=${SLURM_CONF:-unset}); run scripts/test-engine.sh" >&2; exit 1
fi
podman image exists "$image" || { echo "slurm: no $image in Podman's store; run scripts/test-engine.sh" >&2; exit 1; }

# The plugin as the sources are now (bench/run.sh installed it already; alone, the case does it when needed).
jar="$HOME/.m2/repository/dev/exprun/exp-maven-plugin/$version/exp-maven-plugin-$version.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$BENCH_ROOT/src/main" "$BENCH_ROOT/pom.xml" -newer "$jar" -type f | head -1)" ]; then
  (cd "$BENCH_ROOT" && ./mvnw -o -q install -DskipTests -Dinvoker.skip=true)
fi

data="$BENCH_WORK/slurm"
mkdir -p "$data/peer-out" "$data/ours-logs" "$data/perjob-out"
# The container's command: its clock (the host's boot clock, shared with the container) on the first and last line.
# shellcheck disable=SC2016 # expanded in the container, not here
up='$(cut -d" " -f1 /proc/uptime)'
cmd="echo first-line $up; sleep 2; echo last-line $up"
run_proj="$BENCH_WORK/slurm-run"
sweep_proj="$BENCH_WORK/slurm-sweep"
exp_project "$run_proj" slurm-run "$image" "$cmd" "$version"
exp_project "$sweep_proj" slurm-sweep "$image" "sleep $sweep_s" "$version"

# The peer's job script: the same container by hand, plus the script's own start (Slurm's part) on the first line.
{
  echo '#!/bin/bash'
  echo "echo \"job-start $up\""
  printf 'exec podman run --rm %s sh -c %q\n' "$image" "$cmd"
} > "$data/peer-job.sh"
{
  echo '#!/bin/bash'
  printf 'exec podman run --rm %s sh -c %q\n' "$image" "sleep $sweep_s"
} > "$data/perjob-job.sh"
chmod +x "$data/peer-job.sh" "$data/perjob-job.sh"

# What hyperfine runs (-N, no shell of its own): one script per row.
peer_line="sbatch --parsable --wait --output='$data/peer-out/%j.out' '$data/peer-job.sh' > /dev/null"
echo "exec $peer_line" > "$data/peer.sh"
echo "cd '$run_proj' && '$mvnw' -o -q validate && exec $peer_line" > "$data/validate-peer.sh"
echo "cd '$run_proj' && exec '$mvnw' -o -q exp:run -Dexp.executor=slurm" > "$data/ours.sh"
echo "cd '$run_proj' && exec '$mvnw' -o -q exp:run -Dexp.executor=slurm -Dexp.pollInterval=1s" > "$data/ours-1s.sh"
echo "cd '$run_proj' && exec '$mvnw' -o -q validate" > "$data/validate.sh"
echo "cd '$run_proj' && exec '$mvnw' -o -q exp:run" > "$data/local.sh"

# Checks, untimed: the peer's job prints its lines; exp:run on Slurm succeeds (and warms the node's Podman).
sbatch --parsable --wait --output="$data/check-peer.out" "$data/peer-job.sh" > /dev/null
grep -q '^last-line ' "$data/check-peer.out" || { echo "slurm: the peer's job printed no last line:" >&2; cat "$data/check-peer.out" >&2; exit 1; }
(cd "$run_proj" && "$mvnw" -o -q exp:run -Dexp.executor=slurm) > "$data/check-ours.log" 2>&1 \
  || { echo "slurm: the check exp:run on Slurm failed:" >&2; tail -40 "$data/check-ours.log" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
queue_before=$(squeue --noheader | wc -l)
hyperfine -N -w 1 -r "$runs" --export-json "$data/short.json" \
  -n 'mvn validate (one Maven start)' "bash $data/validate.sh" \
  -n 'mvn exp:run (local executor, Podman)' "bash $data/local.sh" >&2
hyperfine -N -w 1 -r "$runs" --export-json "$data/long.json" \
  -n 'sbatch --wait job.sh (peer)' "bash $data/peer.sh" \
  -n 'mvn validate && sbatch --wait job.sh' "bash $data/validate-peer.sh" \
  -n 'mvn exp:run -Dexp.executor=slurm' "bash $data/ours.sh" \
  -n 'mvn exp:run -Dexp.executor=slurm -Dexp.pollInterval=1s' "bash $data/ours-1s.sh" >&2

# The first line, untimed by hyperfine: the peer, then ours with the plugin's timestamped debug log.
probe="$BENCH_ROOT/bench/lib/slurm_probe.py"
python3 "$probe" peer --job "$data/peer-job.sh" --out-dir "$data/peer-out" --runs "$first_runs" --json "$data/peer.json"
python3 "$probe" ours --project "$run_proj" --mvnw "$mvnw" --runs "$first_runs" --out-dir "$data/ours-logs" \
  --json "$data/ours.json" -- -Dexp.executor=slurm

# 8 jobs at once: our sweep at 5 s and at 1 s, then the naive per-job peer.
space="x=$(seq -s, 1 "$trials")"
python3 "$probe" sweep --project "$sweep_proj" --mvnw "$mvnw" --log "$data/sweep-5s.log" --json "$data/sweep-5s.json" \
  -- -Dexp.executor=slurm "-Dexp.sweep=$space"
python3 "$probe" sweep --project "$sweep_proj" --mvnw "$mvnw" --log "$data/sweep-1s.log" --json "$data/sweep-1s.json" \
  -- -Dexp.executor=slurm "-Dexp.sweep=$space" -Dexp.pollInterval=1s
python3 "$probe" perjob --job "$data/perjob-job.sh" --jobs "$trials" --interval 1 --out-dir "$data/perjob-out" \
  --json "$data/perjob.json"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 "$BENCH_ROOT/bench/lib/slurm_report.py" --date "$(date -u +%Y-%m-%d)" \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") slurm" --mode "$mode" \
  --short "$data/short.json" --long "$data/long.json" --peer "$data/peer.json" --ours "$data/ours.json" \
  --sweep5 "$data/sweep-5s.json" --sweep1 "$data/sweep-1s.json" --perjob "$data/perjob.json" \
  --trials "$trials" --sweep-sleep "$sweep_s" --command-line "$cmd" --image "$image" \
  --slurm "$(sbatch --version)" --server "podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || podman --version | awk '{print $3}')" \
  --load-before "$load_before" --load-after "$load_after" --queue-before "$queue_before" > "$BENCH_OUT/slurm.md"
cat "$BENCH_OUT/slurm.md"

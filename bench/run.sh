#!/usr/bin/env bash
# The benchmarks, in one command: bench/run.sh [--quick] [case ...]
#
# Prepares what it needs (the engine and images via scripts/test-engine.sh, hyperfine, the plugin in
# ~/.m2), runs each case in bench/cases/ one after another (never in parallel: they would measure each
# other), and writes BENCHMARKS.md: per case a table with the median, the spread, the ratio to the peer
# measured in the same run, the aim, and the command that reproduces it. Absolute times drift on a noisy
# machine; the ratios are what to compare. Not part of the test suite or of CI.
#
# --quick: smaller inputs and fewer runs (under 10 minutes). Cases: overhead sweep git logs artifacts history cache
# report metrics-log release-goals jmh gpu-log slurm (default: all of them). overhead and sweep run on each engine the
# provisioning started (Podman and Docker); BENCH_BASELINE_REF=<git ref> also measures the plugin as it was at
# that ref (overhead). sweep: 24 trials x 2 s, 4 at once, through exp:sweep against xargs -P4 docker run.
# slurm: exp:run and exp:sweep with -Dexp.executor=slurm on the provisioned one-node Slurm cluster, against a
# hand-written sbatch --wait and a per-job squeue poller. cache: exp:run served from the run cache against mvn
# validate, and the hit's re-hash of a 2 GiB checkpoint (256 MiB with --quick) against sha256sum.
# history: exp:history on 10,000 runs over 2,000 commits, and exp:board on 100 branches x 100 runs (BoardBenchRepo).
# report: exp:report on the history repository with 50 run directories of 100,000-step series (10 of 20,000 with
# --quick) against mvn validate, the page's size, and its load in headless Chromium (dev.exprun.testing.PageTiming).
# gpu-log needs a CUDA GPU and torch on the host, and says so instead of measuring when there is none; on a
# GPU machine without an engine or Maven, run it alone: BENCH_ROOT=$PWD BENCH_WORK=$(mktemp -d) BENCH_OUT=$PWD
# bash bench/cases/gpu-log.sh
#
# A case script reads BENCH_ROOT (repo root), BENCH_WORK (its own scratch dir), BENCH_OUT (where it
# writes <case>.md) and BENCH_QUICK (1 or 0), and fails (non-zero) rather than report a wrong number.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
cases=()
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) [[ -f "$root/bench/cases/$arg.sh" ]] || { echo "bench: no case '$arg' (have: $(ls "$root/bench/cases" | sed 's/\.sh$//' | tr '\n' ' '))" >&2; exit 2; }
       cases+=("$arg") ;;
  esac
done
((${#cases[@]})) || cases=(overhead sweep git logs artifacts history metrics-log release-goals jmh gpu-log slurm cache report)

"$root/scripts/test-engine.sh" >/dev/null
# shellcheck disable=SC1091
. /run/exp-test-engine.env
command -v hyperfine >/dev/null || { apt-get -q update >/dev/null && apt-get -q -y install hyperfine >/dev/null; }
(cd "$root" && ./mvnw -o -q install -DskipTests -Dinvoker.skip=true)

out=$(mktemp -d)
failed=()
started=$(date +%s)
for c in "${cases[@]}"; do
  [[ -f "$root/bench/cases/$c.sh" ]] || { echo "bench: $c: no such case" >&2; failed+=("$c"); continue; }
  work=$(mktemp -d)
  echo "bench: $c ..." >&2
  t0=$(date +%s)
  if BENCH_ROOT=$root BENCH_WORK=$work BENCH_OUT=$out BENCH_QUICK=$quick bash "$root/bench/cases/$c.sh" > "$out/$c.log" 2>&1; then
    echo "bench: $c done in $(( $(date +%s) - t0 )) s" >&2
  else
    echo "bench: $c FAILED (log: $out/$c.log)" >&2
    tail -20 "$out/$c.log" >&2
    failed+=("$c")
  fi
  rm -rf "$work"
done

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh$([[ $quick == 1 ]] && echo ' --quick') ${cases[*]}\` on $(date -u +%Y-%m-%d) in $(( $(date +%s) - started )) s$([[ $quick == 1 ]] && echo ' (quick mode: smaller inputs, fewer runs)')."
  echo "Every ratio is against a peer measured in the same run; absolute times drift on a shared machine."
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr);"
  echo "engine $(docker version --format '{{.Server.Version}}' 2>/dev/null | head -1) at $DOCKER_HOST; $(java -version 2>&1 | head -1); $("$root/mvnw" -v 2>/dev/null | head -1 | sed 's/ (.*//')."
  echo
  for c in "${cases[@]}"; do
    if [[ -f "$out/$c.md" ]] && ! printf '%s\n' "${failed[@]}" | grep -qx "$c"; then
      cat "$out/$c.md"
    else
      echo "### $c"
      echo
      echo "Not measured in this run: the case failed (see \`bench/run.sh $c\`)."
      echo
    fi
  done
} > "$root/BENCHMARKS.md"
echo "bench: wrote $root/BENCHMARKS.md" >&2
((${#failed[@]} == 0)) || { echo "bench: failed: ${failed[*]}" >&2; exit 1; }

#!/usr/bin/env bash
# Case 1, "Run overhead", on each engine (Podman's Docker API and a real Docker Engine, as provisioned by
# scripts/test-engine.sh): a trivial container command (sh -c 'exit 0' in the tiny busybox image) through
# `mvn -q exp:run`, against the hand-made flow (`mvn -q validate && docker run --rm ...`: Maven's start plus
# the docker CLI) and against fabric8's docker-maven-plugin running the same container to completion
# (`docker:start docker:stop`, waiting on exit code 0). With BENCH_BASELINE_REF (a git ref of this
# repository), that version of the plugin is built too and measured beside today's, with its phases.
# Env: BENCH_ROOT (repo root), BENCH_WORK (scratch dir), BENCH_OUT (where overhead.md goes), BENCH_QUICK (1 = quick),
# EXP_TEST_PODMAN_HOST / EXP_TEST_DOCKER_HOST (from /run/exp-test-engine.env), BENCH_BASELINE_REF (optional).
# Needs hyperfine, the docker CLI, the image localhost/exp-test/tiny:1 in each engine; the plugin installed in ~/.m2.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ]; then . /run/exp-test-engine.env; fi
image=localhost/exp-test/tiny:1
f8_version=0.49.0
if [ "$quick" = 1 ]; then warmup=1; runs=3; phase_runs=3; else warmup=2; runs=10; phase_runs=5; fi
mvn="$BENCH_ROOT/mvnw -o -q"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"

bench_engines overhead

# The plugin as it was at BENCH_BASELINE_REF, installed as version <version>-baseline: measured in the same run.
baseline=""
if [ -n "${BENCH_BASELINE_REF:-}" ]; then
  baseline="${version%-SNAPSHOT}-baseline"
  src="$BENCH_WORK/baseline-src"
  git -C "$BENCH_ROOT" worktree add -f --detach "$src" "$BENCH_BASELINE_REF" >/dev/null 2>&1
  trap 'git -C "$BENCH_ROOT" worktree remove --force "$src" >/dev/null 2>&1 || true' EXIT
  sed -i "0,/<version>$version<\/version>/s//<version>$baseline<\/version>/" "$src/pom.xml"
  (cd "$src" && "$BENCH_ROOT/mvnw" -o -q install -DskipTests -Dinvoker.skip=true)
  baseline_commit=$(git -C "$BENCH_ROOT" rev-parse --short "$BENCH_BASELINE_REF")
fi

# (1) the project exp:run runs in: pom packaging, a fresh git repo, one commit, clean work tree.
ours="$BENCH_WORK/overhead-ours"
exp_project "$ours" overhead "$image" "exit 0" "$version"
if [ -n "$baseline" ]; then
  before="$BENCH_WORK/overhead-baseline"
  exp_project "$before" overhead "$image" "exit 0" "$baseline"
fi

# (2) fabric8's docker-maven-plugin, same image and command, waiting for exit code 0, then removing it.
f8="$BENCH_WORK/overhead-fabric8"
rm -rf "$f8"; mkdir -p "$f8"
write_f8_pom() {  # $1 = the shell command run in the container
  cat > "$f8/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>overhead-fabric8</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>io.fabric8</groupId><artifactId>docker-maven-plugin</artifactId><version>$f8_version</version>
    <configuration>
      <imagePullPolicy>Never</imagePullPolicy>
      <showLogs>true</showLogs>
      <images><image>
        <name>$image</name><alias>tiny</alias>
        <run>
          <cmd><exec><arg>sh</arg><arg>-c</arg><arg>$1</arg></exec></cmd>
          <wait><exit>0</exit><time>60000</time></wait>
        </run>
      </image></images>
    </configuration>
  </plugin></plugins></build>
</project>
POM
}

# phases FILE NAME DIR: the debug phase lines of phase_runs more `mvn -X exp:run` (untimed) in DIR.
phases() {
  echo "# $2" > "$1"
  for _ in $(seq "$phase_runs"); do
    (cd "$3" && "$BENCH_ROOT/mvnw" -o -X exp:run 2>&1 | sed -n 's/^\[DEBUG\] Run [^ ]* phases: /phases: /p') >> "$1"
  done
}

for entry in "${engines[@]}"; do
  engine=${entry%%=*}
  export DOCKER_HOST=${entry#*=}
  server=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)
  notes=()
  # Once, online (fetches the plugin from Central when missing), with a marker echoed by the container, to
  # check that fabric8 really runs it to completion; the timed runs then use the plain command, offline.
  f8_ok=0
  write_f8_pom 'echo fabric8-ran-the-container; exit 0'
  if (cd "$f8" && "$BENCH_ROOT/mvnw" -B docker:start docker:stop) > "$BENCH_WORK/overhead-fabric8-check-$engine.log" 2>&1 \
     && grep -q 'tiny> fabric8-ran-the-container' "$BENCH_WORK/overhead-fabric8-check-$engine.log" \
     && grep -q 'Waited on exit code 0' "$BENCH_WORK/overhead-fabric8-check-$engine.log"; then
    f8_ok=1
    notes+=("fabric8 docker-maven-plugin $f8_version (\`docker:start docker:stop\`, \`<wait><exit>0</exit></wait>\`, \`imagePullPolicy=Never\`) was checked once to really run the container: its log showed the container's output and \`Waited on exit code 0\`.")
  else
    reason=$(grep -E 'ERROR|Exception' "$BENCH_WORK/overhead-fabric8-check-$engine.log" | head -3 | tr '\n' ' ' | cut -c1-400)
    notes+=("fabric8 docker-maven-plugin $f8_version left out: its check run against DOCKER_HOST=$DOCKER_HOST failed: ${reason:-no error line; see the log}.")
  fi
  write_f8_pom 'exit 0'

  # Each command checks the engine did run the container: exp:run fails the build on a failed run,
  # docker run returns the container's status, fabric8 fails on a wrong exit code.
  docker run --rm "$image" sh -c 'exit 0'
  (cd "$ours" && $mvn exp:run)
  cmds=(-n 'mvn validate && docker run' "bash -c 'cd \"$ours\" && $mvn validate && docker run --rm $image sh -c \"exit 0\"'"
        -n 'docker run (bare)' "docker run --rm $image sh -c 'exit 0'"
        -n 'mvn exp:run -Dexp.skip=true (plugin loaded, nothing run)' "bash -c 'cd \"$ours\" && $mvn exp:run -Dexp.skip=true'"
        -n 'mvn exp:run' "bash -c 'cd \"$ours\" && $mvn exp:run'")
  if [ -n "$baseline" ]; then
    (cd "$before" && $mvn exp:run)
    cmds+=(-n "mvn exp:run (before: $baseline_commit)" "bash -c 'cd \"$before\" && $mvn exp:run'")
  fi
  if [ "$f8_ok" = 1 ]; then
    cmds+=(-n 'mvn docker:start docker:stop (fabric8)' "bash -c 'cd \"$f8\" && $mvn docker:start docker:stop'")
  fi
  json="$BENCH_WORK/overhead-$engine.json"
  hyperfine -N -w "$warmup" -r "$runs" --export-json "$json" "${cmds[@]}" >&2

  runs_recorded=$(ls -d "$ours"/target/exp/runs/*/ | wc -l)
  phases "$BENCH_WORK/phases-$engine-ours.txt" "today" "$ours"
  phase_files=("$BENCH_WORK/phases-$engine-ours.txt")
  if [ -n "$baseline" ]; then
    phases "$BENCH_WORK/phases-$engine-before.txt" "before ($baseline_commit)" "$before"
    phase_files=("$BENCH_WORK/phases-$engine-before.txt" "${phase_files[@]}")
  fi
  table=$(python3 "$BENCH_ROOT/bench/lib/phases.py" "${phase_files[@]}")
  notes+=("Where exp:run's own milliseconds go, from its debug log (\`mvn -X exp:run\`, $phase_runs more runs each, untimed; phases overlap: git runs beside the engine connection and the image check, the engine's identification beside all three (without GPUs the run does not wait for it: engine-info is then the wait after the container), the sweep of leftovers beside the container; before, the sweep ran beside the image check, and note, record and results were inside container):"$'\n\n'"$table")
  notes+=("The rest of the difference is Maven loading the plugin (the \`-Dexp.skip=true\` row) and the JVM loading and compiling docker-java, JGit and Jackson cold in every build.")
  notes+=("Container: \`sh -c 'exit 0'\` in $image (busybox); engine: $engine $server at $DOCKER_HOST. Each \`mvn exp:run\` resolves git, creates, starts, waits, records the run (\`run.json\`, git note); $runs_recorded runs were recorded. Maven runs offline (\`-o -q\`) in all Maven rows.")
  notes+=("The aim is what \`exp:run\` adds over the hand-made flow, both paying one Maven start and one container.")
  args=()
  for n in "${notes[@]}"; do args+=(--note "$n"); done
  python3 "$BENCH_ROOT/bench/lib/report.py" --json "$json" --title "Run overhead on $engine" \
    --peer 'mvn validate && docker run' --ours 'mvn exp:run' --aim-added 1.5 \
    --aim 'mvn exp:run over mvn validate && docker run' \
    --command "$([[ -n "$baseline" ]] && echo "BENCH_BASELINE_REF=$BENCH_BASELINE_REF ")bench/run.sh$([[ $quick == 1 ]] && echo " --quick") overhead" \
    "${args[@]}" >> "$BENCH_OUT/overhead.md"
done
cat "$BENCH_OUT/overhead.md"

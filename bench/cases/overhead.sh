#!/usr/bin/env bash
# Case 1, "Run overhead": a trivial container command (sh -c 'exit 0' in the tiny busybox image) through
# `mvn -q exp:run`, against the hand-made flow (`mvn -q validate && docker run --rm ...`: Maven's start plus
# the docker CLI) and against fabric8's docker-maven-plugin running the same container to completion
# (`docker:start docker:stop`, waiting on exit code 0).
# Env: BENCH_ROOT (repo root), BENCH_WORK (scratch dir), BENCH_OUT (where overhead.md goes), BENCH_QUICK (1 = quick).
# Needs hyperfine, the docker CLI, a Docker-API engine in DOCKER_HOST (scripts/test.sh provisions one) and
# the image localhost/exp-test/tiny:1; the plugin must be installed in ~/.m2.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ] && [ -z "${DOCKER_HOST:-}" ]; then . /run/exp-test-engine.env; fi
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
image=localhost/exp-test/tiny:1
f8_version=0.49.0
if [ "$quick" = 1 ]; then warmup=1; runs=3; else warmup=2; runs=10; fi
mvn="$BENCH_ROOT/mvnw -o -q"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"

# (1) the project exp:run runs in: pom packaging, a fresh git repo, one commit, clean work tree.
ours="$BENCH_WORK/overhead-ours"
exp_project "$ours" overhead "$image" "exit 0" "$version"

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
# Once, online (fetches the plugin from Central when missing), with a marker echoed by the container, to
# check that fabric8 really runs it to completion; the timed runs then use the plain command, offline.
notes=()
f8_ok=0
write_f8_pom 'echo fabric8-ran-the-container; exit 0'
if (cd "$f8" && "$BENCH_ROOT/mvnw" -B docker:start docker:stop) > "$BENCH_WORK/overhead-fabric8-check.log" 2>&1 \
   && grep -q 'tiny> fabric8-ran-the-container' "$BENCH_WORK/overhead-fabric8-check.log" \
   && grep -q 'Waited on exit code 0' "$BENCH_WORK/overhead-fabric8-check.log"; then
  f8_ok=1
  notes+=("fabric8 docker-maven-plugin $f8_version (\`docker:start docker:stop\`, \`<wait><exit>0</exit></wait>\`, \`imagePullPolicy=Never\`) was checked once to really run the container: its log showed the container's output and \`Waited on exit code 0\`.")
else
  reason=$(grep -E 'ERROR|Exception' "$BENCH_WORK/overhead-fabric8-check.log" | head -3 | tr '\n' ' ' | cut -c1-400)
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
if [ "$f8_ok" = 1 ]; then
  cmds+=(-n 'mvn docker:start docker:stop (fabric8)' "bash -c 'cd \"$f8\" && $mvn docker:start docker:stop'")
fi
json="$BENCH_WORK/overhead.json"
hyperfine -N -w "$warmup" -r "$runs" --export-json "$json" "${cmds[@]}" >&2

runs_recorded=$(ls -d "$ours"/target/exp/runs/*/ | wc -l)
# Where exp:run's own seconds go, from its debug log (one more run, untimed).
phases=$(cd "$ours" && "$BENCH_ROOT/mvnw" -o -X exp:run 2>&1 | sed -n 's/^\[DEBUG\] Run [^ ]* phases: //p')
notes+=("Phases of one more \`mvn -X exp:run\` (git runs beside the engine connection, the sweep of leftovers beside the image check): $phases. The rest of the difference is Maven loading the plugin (the \`-Dexp.skip=true\` row) and the JVM loading and compiling docker-java, JGit and Jackson cold in every build.")
notes+=("Container: \`sh -c 'exit 0'\` in $image (busybox); engine: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown) at $DOCKER_HOST. Each \`mvn exp:run\` resolves git, creates, starts, waits, records the run (\`run.json\`, git note); $runs_recorded runs were recorded. Maven runs offline (\`-o -q\`) in all Maven rows.")
notes+=("The aim is what \`exp:run\` adds over the hand-made flow, both paying one Maven start and one container.")
args=()
for n in "${notes[@]}"; do args+=(--note "$n"); done
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$json" --title "Run overhead" \
  --peer 'mvn validate && docker run' --ours 'mvn exp:run' --aim-added 0.3 \
  --aim 'mvn exp:run over mvn validate && docker run' \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") overhead" \
  "${args[@]}" > "$BENCH_OUT/overhead.md"
cat "$BENCH_OUT/overhead.md"

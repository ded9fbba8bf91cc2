#!/usr/bin/env bash
# Case 3, "Log streaming": a container printing N lines (1,000,000, about 86 MB; 200,000 in quick mode) as
# fast as busybox can, through `mvn -q exp:run` (which streams the log to the console and keeps the raw log
# in target/exp/runs/<runId>/log.txt), against `mvn -q validate && docker run --rm ... > file` (the peer:
# Maven starts in both) and the bare `docker run --rm ... > file`. Afterwards the raw log of the last
# exp:run must hold exactly N lines, else the case fails.
# Env: BENCH_ROOT (repo root), BENCH_WORK (scratch dir), BENCH_OUT (where logs.md goes), BENCH_QUICK (1 = quick).
# Needs hyperfine, the docker CLI, a Docker-API engine in DOCKER_HOST (scripts/test.sh provisions one) and
# the image localhost/exp-test/tiny:1; the plugin must be installed in ~/.m2.
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ] && [ -z "${DOCKER_HOST:-}" ]; then . /run/exp-test-engine.env; fi
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
image=localhost/exp-test/tiny:1
if [ "$quick" = 1 ]; then lines=200000; warmup=1; runs=3; else lines=1000000; warmup=1; runs=5; fi
mvn="$BENCH_ROOT/mvnw -o -q"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"
# Line i is "i" and a fixed padding: 80 bytes for i=1, 86 for i=1,000,000.
script="seq 1 $lines | sed 's/\$/ some padding to make the line about eighty bytes long ......................../'"

ours="$BENCH_WORK/logs-ours"
exp_project "$ours" logs "$image" "$script" "$version"

out="$BENCH_WORK/logs-docker-out.txt"
printf '%s\n' "$script" > "$BENCH_WORK/logs-script.sh"
# Same command line for docker: the script is read from a file so that no quoting differs.
docker_run="docker run --rm $image sh -c \"\$(cat '$BENCH_WORK/logs-script.sh')\" > '$out'"
json="$BENCH_WORK/logs.json"
# Before every timed run: drop the previous output file, or the previous runs' logs (a fresh file for everyone).
hyperfine -w "$warmup" -r "$runs" --export-json "$json" -S bash \
  --prepare "rm -f '$out'" --prepare "rm -f '$out'" --prepare "rm -rf '$ours/target/exp/runs'" \
  -n 'mvn validate && docker run > file' "cd '$ours' && $mvn validate && $docker_run" \
  -n 'docker run > file (bare)' "$docker_run" \
  -n 'mvn exp:run' "cd '$ours' && $mvn exp:run" >&2

docker_lines=$(wc -l < "$out")
run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runId"])' "$ours/target/exp/last-run.json")
log="$ours/target/exp/runs/$run_id/log.txt"
got=$(wc -l < "$log")
bytes=$(wc -c < "$log")
status=0
notes=("Container: \`$script\` in $image (busybox); $lines lines, $(wc -c < "$out") bytes on stdout. Engine: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown) at $DOCKER_HOST. \`mvn -q exp:run\` streams it (\`-q\` hides the \`[out]\` lines; hyperfine discards stdout) and writes the raw log; docker's output goes to a file.")
same="differs from docker's file"
if cmp -s "$log" "$out"; then same="byte-identical to docker's file"; fi
if [ "$got" = "$lines" ]; then
  notes+=("lines in our raw log: $got of $lines ($bytes bytes, $same, \`target/exp/runs/$run_id/log.txt\`); lines in docker's file: $docker_lines of $lines.")
else
  notes+=("**FAILED**: lines in our raw log: $got of $lines ($bytes bytes, \`target/exp/runs/$run_id/log.txt\`); lines in docker's file: $docker_lines of $lines.")
  status=1
fi
args=()
for n in "${notes[@]}"; do args+=(--note "$n"); done
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$json" --title "Log streaming" \
  --peer 'mvn validate && docker run > file' --ours 'mvn exp:run' --aim-ratio 1.1 \
  --aim 'mvn exp:run over mvn validate && docker run > file' \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") logs" \
  "${args[@]}" > "$BENCH_OUT/logs.md"
cat "$BENCH_OUT/logs.md"
if [ "$status" != 0 ]; then echo "logs.sh: our raw log has $got lines, expected $lines" >&2; fi
exit "$status"

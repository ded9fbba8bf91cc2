#!/usr/bin/env bash
# Case "cache": what a run cache hit costs. (1) `mvn -q exp:run` when a verified earlier run has the key (a tiny
# checkpoint: the hit's own cost), against `mvn -q validate` (Maven's start alone) and, for scale, the same
# exp:run training the trivial container with the cache off. Aim: a hit adds at most 0.5 s over mvn validate.
# (2) The hit's verification re-hashes every output: a 2 GiB checkpoint (256 MiB with --quick) served from the
# cache, its re-hash time as the hit's log line states it, against `sha256sum` of the same file in the same run.
# Env: BENCH_ROOT, BENCH_WORK, BENCH_OUT, BENCH_QUICK; EXP_TEST_PODMAN_HOST (from /run/exp-test-engine.env).
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
quick=${BENCH_QUICK:-0}
if [ -f /run/exp-test-engine.env ]; then . /run/exp-test-engine.env; fi
export DOCKER_HOST=${EXP_TEST_PODMAN_HOST:-${DOCKER_HOST:-unix:///run/podman/podman.sock}}
image=localhost/exp-test/tiny:1
if [ "$quick" = 1 ]; then warmup=1; runs=3; big_mib=256; big_runs=2; else warmup=2; runs=10; big_mib=2048; big_runs=3; fi
mvnw="$BENCH_ROOT/mvnw"
version=$(cd "$BENCH_ROOT" && sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mkdir -p "$BENCH_OUT"
# shellcheck source=bench/lib/project.sh
. "$BENCH_ROOT/bench/lib/project.sh"
data="$BENCH_WORK/cache-data"
mkdir -p "$data"

# (1) A tiny checkpoint: the first run trains and becomes the entry; every timed run after it is a hit.
small="$BENCH_WORK/cache-small"
exp_project "$small" cache-small "$image" 'echo weights > "$EXP_OUTPUT_DIR/best.pt"' "$version" use
(cd "$small" && "$mvnw" -o -B exp:run) > "$data/first.log" 2>&1 || { tail -40 "$data/first.log" >&2; exit 1; }
(cd "$small" && "$mvnw" -o -B exp:run) > "$data/hit.log" 2>&1 || { tail -40 "$data/hit.log" >&2; exit 1; }
grep -q '^\[INFO\] Cache hit: run ' "$data/hit.log" || { echo "cache: the second run was no hit:" >&2; grep Cache "$data/hit.log" >&2; exit 1; }
if grep -q '\[out\]' "$data/hit.log"; then echo "cache: the hit started a container" >&2; exit 1; fi
# The same, with the image pinned by its id: a hit asks no engine at all.
pinned="$BENCH_WORK/cache-pinned"
image_id=$(docker image inspect --format '{{.Id}}' "$image")
exp_project "$pinned" cache-pinned "$image_id" 'echo weights > "$EXP_OUTPUT_DIR/best.pt"' "$version" use
(cd "$pinned" && "$mvnw" -o -B exp:run && "$mvnw" -o -B exp:run) > "$data/pinned.log" 2>&1 || { tail -40 "$data/pinned.log" >&2; exit 1; }
grep -q '^\[INFO\] Cache hit: run ' "$data/pinned.log" || { echo "cache: the pinned run was no hit" >&2; exit 1; }
echo "cd '$small' && exec '$mvnw' -o -q validate" > "$data/validate.sh"
echo "cd '$small' && exec '$mvnw' -o -q exp:run" > "$data/hit.sh"
echo "cd '$small' && exec '$mvnw' -o -q exp:run -Dexp.cache=off" > "$data/train.sh"
echo "cd '$pinned' && exec '$mvnw' -o -q exp:run" > "$data/pinned.sh"
echo "cd '$small' && exec '$mvnw' -o -q exp:run -Dexp.skip=true" > "$data/skip.sh"
json="$BENCH_WORK/cache.json"
hyperfine -N -w "$warmup" -r "$runs" --export-json "$json" \
  -n 'mvn validate' "bash $data/validate.sh" \
  -n 'mvn exp:run -Dexp.skip=true (plugin loaded, nothing run)' "bash $data/skip.sh" \
  -n 'mvn exp:run (cache hit)' "bash $data/hit.sh" \
  -n 'mvn exp:run (cache hit, image pinned by id: no engine asked)' "bash $data/pinned.sh" \
  -n 'mvn exp:run -Dexp.cache=off (trains)' "bash $data/train.sh" >&2
runs_there=$(ls -d "$small"/target/exp/runs/*/ | wc -l)
(cd "$small" && "$mvnw" -o -X exp:run 2>&1 | sed -n 's/^\[DEBUG\] Run [^ ]* phases: //p') > "$data/phases.txt"
(cd "$pinned" && "$mvnw" -o -X exp:run 2>&1 | sed -n 's/^\[DEBUG\] Run [^ ]* phases: //p') > "$data/phases-pinned.txt"

# (2) A big checkpoint: the container copies it from data/ (ignored by git) into its output dir.
big="$BENCH_WORK/cache-big"
exp_project "$big" cache-big "$image" 'cp data/model.pt "$EXP_OUTPUT_DIR/model.pt"' "$version" use
mkdir -p "$big/data"
head -c "$((big_mib << 20))" /dev/urandom > "$big/data/model.pt"
(cd "$big" && "$mvnw" -o -B exp:run) > "$data/big-first.log" 2>&1 || { tail -40 "$data/big-first.log" >&2; exit 1; }
rehash=()
for _ in $(seq "$big_runs"); do
  (cd "$big" && "$mvnw" -o -B exp:run) > "$data/big-hit.log" 2>&1 || { tail -40 "$data/big-hit.log" >&2; exit 1; }
  ms=$(sed -n 's/^\[INFO\] Cache hit: .* re-hashed in \([0-9]*\) ms.*/\1/p' "$data/big-hit.log")
  [ -n "$ms" ] || { echo "cache: the big run was no hit:" >&2; grep Cache "$data/big-hit.log" >&2; exit 1; }
  rehash+=("$ms")
done
sums=()
for _ in $(seq "$big_runs"); do
  t0=$(date +%s%N); sha256sum "$big/data/model.pt" > /dev/null; t1=$(date +%s%N)
  sums+=("$(( (t1 - t0) / 1000000 ))")
done

phases=$(tr ',' '\n' < "$data/phases.txt" | sed 's/^ *//' | grep -E '^(cache-|git|image|engine)' | tr '\n' ' ' || true)
phases_pinned=$(tr ',' '\n' < "$data/phases-pinned.txt" | sed 's/^ *//' | tr '\n' ' ' || true)
notes=("Each timed \`mvn exp:run (cache hit)\` computes the key (git tree and patch, image digest via the engine, params, env, runtime), reads the project's run records newest first until the key's run (the git notes only when no run directory serves), re-hashes the earlier run's checkpoint, writes its own record and note, and attaches the earlier run's 4 files; no container starts (checked: the hit's log has no container line). ${runs_there} run directories were there at the end; a hit reads records newest first only until the key's run (a served run names its origin), so it reads two, however many there are. Phases of one more hit (\`mvn -X\`, ms): ${phases}. Of one more pinned hit: ${phases_pinned}.")
notes+=("Container of the training row: \`echo weights > best.pt\` in $image (busybox), engine podman at $DOCKER_HOST. Maven runs offline (\`-o -q\`).")
python3 - "$big_mib" "${rehash[*]}" "${sums[*]}" >> "$data/hash-note.txt" <<'PY'
import statistics, sys
mib = int(sys.argv[1]); ours = [int(x) for x in sys.argv[2].split()]; peer = [int(x) for x in sys.argv[3].split()]
mo, mp = statistics.median(ours), statistics.median(peer)
print(f"Verifying a hit re-hashes every output: a {mib} MiB checkpoint served from the cache was re-hashed in "
      f"{mo:.0f} ms (median of {len(ours)} hits: {', '.join(map(str, ours))} ms), {mib / (mo / 1000):.0f} MiB/s, with our Sha256 "
      f"(streamed, 1 MiB buffer); `sha256sum` of the same file in the same run: {mp:.0f} ms ({mib / (mp / 1000):.0f} MiB/s); "
      f"ratio {mo / mp:.2f}x. So a hit with a checkpoint of this size adds about {mo / 1000:.1f} s to the 0.5 s aim.")
PY
notes+=("$(cat "$data/hash-note.txt")")
args=()
for n in "${notes[@]}"; do args+=(--note "$n"); done
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$json" --title "Run cache hit" \
  --peer 'mvn validate' --ours 'mvn exp:run (cache hit)' --aim-added 0.5 \
  --aim 'a cache hit over mvn validate (hashing of large outputs aside)' \
  --command "bench/run.sh$([[ $quick == 1 ]] && echo " --quick") cache" \
  "${args[@]}" > "$BENCH_OUT/cache.md"
cat "$BENCH_OUT/cache.md"

#!/usr/bin/env bash
# Case 5, history: exp:history on 10,000 recorded runs over 2,000 commits, against
# `git log --notes=exprun --oneline` on the same repository, with Maven's own start (`mvn validate`)
# alongside to show what the goal adds. Contract: see bench/run.sh.
set -euo pipefail
cd "$BENCH_ROOT"
runs=$([[ "$BENCH_QUICK" == 1 ]] && echo 3 || echo 5)
warmup=$([[ "$BENCH_QUICK" == 1 ]] && echo 1 || echo 2)
# shellcheck source=bench/lib/classpath.sh
. "$BENCH_ROOT/bench/lib/classpath.sh"
cp=$(bench_classpath "$BENCH_ROOT" "$BENCH_WORK")
# Read from the POM: help:evaluate needs maven-help-plugin, which an offline machine may not have.
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
# Builds the repository (git fast-import, one notes tree) and prints the in-process readAll() figures.
inproc=$(java -cp "$cp" dev.exprun.history.bench.NotesBenchmark \
  "$BENCH_WORK/repo" 2000 5 5 2>/dev/null | grep -E 'readAll|built')
cd "$BENCH_WORK/repo"
cat > pom.xml <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>history</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>dev.exprun</groupId><artifactId>exp-maven-plugin</artifactId><version>$version</version>
  </plugin></plugins></build>
</project>
POM
mvn="$BENCH_ROOT/mvnw -o -q"
rows=(-n 'git log --notes=exprun --oneline' 'git log --notes=exprun --oneline'
      -n 'mvn validate (Maven start)' "$mvn validate"
      -n 'mvn exp:history' "$mvn exp:history -Dexp.format=csv")
if [[ "$BENCH_QUICK" != 1 ]]; then
  rows+=(-n 'mvn exp:history -Dexp.all=true' "$mvn exp:history -Dexp.all=true -Dexp.format=csv")
fi
hyperfine -N -w "$warmup" -r "$runs" --export-json "$BENCH_WORK/history.json" "${rows[@]}" >/dev/null
added=$(python3 -c "
import json, statistics
r = {x['command']: statistics.median(x['times']) for x in json.load(open('$BENCH_WORK/history.json'))['results']}
print('%.2f' % (r['mvn exp:history'] - r['mvn validate (Maven start)']))")
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$BENCH_WORK/history.json" \
  --title "History: 10,000 runs over 2,000 commits" --peer 'git log --notes=exprun --oneline' \
  --ours 'mvn exp:history' --aim-ratio 2 --aim "exp:history within 2x of git log --notes (whole commands)" \
  --note "exp:history adds $added s to Maven's own start (aim: under 1 s: $(python3 -c "print('**met**' if $added < 1 else '**missed**')"))." \
  --note "In-process, warm and cold (NotesBenchmark): $(echo "$inproc" | tr '\n' ';' | sed 's/;$//')." \
  --command "bench/run.sh history" > "$BENCH_OUT/history.md"

# The board: exp:board on 100 experiment branches x 100 runs (BoardBenchRepo), against git's own listing of the same
# runs (`git log --notes=exprun --oneline --branches=exp/*`), with Maven's start alongside. Appended to history.md.
cd "$BENCH_ROOT"
built=$(java -cp "$cp" dev.exprun.branches.bench.BoardBenchRepo "$BENCH_WORK/board" 2>/dev/null | grep built)
cd "$BENCH_WORK/board"
sed 's/<artifactId>history</<artifactId>board</' "$BENCH_WORK/repo/pom.xml" > pom.xml
hyperfine -N -w "$warmup" -r "$runs" --export-json "$BENCH_WORK/board.json" \
  -n "git log --notes=exprun --oneline --branches=exp/*" "git log --notes=exprun --oneline --branches=exp/*" \
  -n 'mvn validate (Maven start)' "$mvn validate" \
  -n 'mvn exp:board' "$mvn exp:board -Dexp.format=csv -Dexp.objective=val_acc" >/dev/null
rows=$($mvn exp:board -Dexp.format=csv -Dexp.objective=val_acc | grep -c '^branch,exp/')
[[ "$rows" == 100 ]] || { echo "bench: exp:board listed $rows branches, not 100" >&2; exit 1; }
board_added=$(python3 -c "
import json, statistics
r = {x['command']: statistics.median(x['times']) for x in json.load(open('$BENCH_WORK/board.json'))['results']}
print('%.2f' % (r['mvn exp:board'] - r['mvn validate (Maven start)']))")
python3 "$BENCH_ROOT/bench/lib/report.py" --json "$BENCH_WORK/board.json" \
  --title "Board: 100 experiment branches x 100 runs" --peer 'mvn validate (Maven start)' \
  --ours 'mvn exp:board' --aim-added 1 --aim "exp:board over mvn validate (instant: under 1 s added)" \
  --note "exp:board adds $board_added s to Maven's own start; it listed all $rows branches, each with its 100 runs." \
  --note "The repository: $built (BoardBenchRepo: git fast-import, one notes tree, git gc)." \
  --command "bench/run.sh history" >> "$BENCH_OUT/history.md"

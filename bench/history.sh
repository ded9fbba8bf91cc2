#!/usr/bin/env bash
# exp:history on 10,000 recorded runs over 2,000 commits, against `git log --notes=exprun --oneline` on
# the same repository, and against Maven's own start (`mvn validate`) to show what the goal adds.
# Needs hyperfine (apt install hyperfine). Usage: bench/history.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
./mvnw -o -q install -DskipTests -Dinvoker.skip=true
./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
version=$(./mvnw -q help:evaluate -Dexpression=project.version -DforceStdout)
# Builds the repository (git fast-import, one notes tree) and prints the in-process readAll() figures.
java -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" dev.exprun.history.bench.NotesBenchmark "$work/repo" 2000 5 5

cd "$work/repo"
cat > pom.xml <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>history</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>dev.exprun</groupId><artifactId>exp-maven-plugin</artifactId><version>$version</version>
  </plugin></plugins></build>
</project>
POM
mvn="$root/mvnw -o -q"
hyperfine -N -w 2 -r "$runs" --export-markdown "$work/history.md" \
  -n 'git log --notes=exprun --oneline' 'git log --notes=exprun --oneline' \
  -n 'mvn validate (Maven start)' "$mvn validate" \
  -n 'mvn exp:history (HEAD)' "$mvn exp:history -Dexp.format=csv" \
  -n 'mvn exp:history -Dexp.all=true' "$mvn exp:history -Dexp.all=true -Dexp.format=csv" >/dev/null
cat "$work/history.md"

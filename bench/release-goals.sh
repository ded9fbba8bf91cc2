#!/usr/bin/env bash
# Time that exp:verify + exp:tag (with push) add to a release build, from the build's own log timestamps
# (whole-build timings are too noisy for a difference this small). Uses the release-profile IT project,
# the tiny image of scripts/test-engine.sh, and the plugin as installed in ~/.m2 (./mvnw install first).
# Usage: bench/release-goals.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$("$root/mvnw" -q -f "$root/pom.xml" help:evaluate -Dexpression=project.version -DforceStdout)
. /run/exp-test-engine.env

cp -r "$root/src/it/release-profile" "$work/p"
sed -i -e 's/@project.groupId@/dev.exprun/' -e 's/@project.artifactId@/exp-maven-plugin/' -e "s/@project.version@/$version/" "$work/p/pom.xml"
cd "$work/p"
git init -q -b main && printf 'target/\n' > .gitignore && git add -A && git -c user.name=b -c user.email=b@example.invalid commit -qm bench
git init -q --bare "$work/origin.git" && git remote add origin "$work/origin.git" && git push -q origin main
mvn() { "$root/mvnw" -o -B -Prelease -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS "$@"; }
mvn -q exp:run@train exp:verify@gate exp:tag@tag -Dexp.tagName=v1.0-prod-ready >/dev/null   # the baseline

for i in $(seq "$runs"); do
  git tag -d v1.1-bench >/dev/null 2>&1 || true
  git --git-dir="$work/origin.git" update-ref -d refs/tags/v1.1-bench || true
  mvn exp:run@train exp:verify@gate exp:tag@tag -Dexp.tagName=v1.1-bench > "$work/log.txt"
  python3 - "$work/log.txt" <<'PY'
import sys
from datetime import datetime
lines = open(sys.argv[1]).read().splitlines()
def at(text):
    return next(datetime.strptime(l[:12], "%H:%M:%S.%f") for l in lines if text in l)
start, tag, end = at("verify (gate) @"), at("tag (tag) @"), at("Pushed the tag")
print(f"{(tag - start).total_seconds():.3f} {(end - tag).total_seconds():.3f} {(end - start).total_seconds():.3f}")
PY
done | sort -k3 -n | awk '{v[NR]=$1; t[NR]=$2; s[NR]=$3} END {m=int((NR+1)/2);
  printf "runs=%d  median: verify %.3f s, tag+push %.3f s, together %.3f s (min %.3f, max %.3f)\n", NR, v[m], t[m], s[m], s[1], s[NR]}'

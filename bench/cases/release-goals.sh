#!/usr/bin/env bash
# Time that exp:verify + exp:tag (with push) add to a release build, from the build's own log timestamps
# (whole-build timings are too noisy for a difference this small). Uses the release-profile IT project
# and the tiny image. Contract: see bench/run.sh.
set -euo pipefail
root=$BENCH_ROOT
runs=$([[ "$BENCH_QUICK" == 1 ]] && echo 3 || echo 10)
version=$("$root/mvnw" -o -q -f "$root/pom.xml" help:evaluate -Dexpression=project.version -DforceStdout)
cp -r "$root/src/it/release-profile" "$BENCH_WORK/p"
sed -i -e 's/@project.groupId@/dev.exprun/' -e 's/@project.artifactId@/exp-maven-plugin/' -e "s/@project.version@/$version/" "$BENCH_WORK/p/pom.xml"
cd "$BENCH_WORK/p"
git init -q -b main && printf 'target/\n' > .gitignore && git add -A && git -c user.name=b -c user.email=b@example.invalid commit -qm bench
git init -q --bare "$BENCH_WORK/origin.git" && git remote add origin "$BENCH_WORK/origin.git" && git push -q origin main
mvn() { "$root/mvnw" -o -B -Prelease -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS "$@"; }
mvn -q exp:run@train exp:verify@gate exp:tag@tag -Dexp.tagName=v1.0-prod-ready >/dev/null   # the baseline
for i in $(seq "$runs"); do
  git tag -d v1.1-bench >/dev/null 2>&1 || true
  git --git-dir="$BENCH_WORK/origin.git" update-ref -d refs/tags/v1.1-bench || true
  mvn exp:run@train exp:verify@gate exp:tag@tag -Dexp.tagName=v1.1-bench > "$BENCH_WORK/log.txt"
  python3 - "$BENCH_WORK/log.txt" <<'PY'
import sys
from datetime import datetime
lines = open(sys.argv[1]).read().splitlines()
def at(text):
    return next(datetime.strptime(l[:12], "%H:%M:%S.%f") for l in lines if text in l)
start, tag, end = at("verify (gate) @"), at("tag (tag) @"), at("Pushed the tag")
print(f"{(tag - start).total_seconds():.3f} {(end - tag).total_seconds():.3f} {(end - start).total_seconds():.3f}")
PY
done | sort -k3 -n > "$BENCH_WORK/times.txt"
awk '{v[NR]=$1; t[NR]=$2; s[NR]=$3} END {m=int((NR+1)/2);
  print "### Release goals: exp:verify + exp:tag (with push)\n";
  print "| Goal | Median [s] |"; print "|---|---:|";
  printf "| exp:verify (gates + baseline from the latest exp tag) | %.3f |\n| exp:tag (create, ls-remote, push) | %.3f |\n| together | %.3f (min %.3f, max %.3f, %d runs) |\n\n", v[m], t[m], s[m], s[1], s[NR], NR;
  printf "Aim (release issue): well under a second together: **%s**.\n\n", (s[m] < 1 ? "met" : "missed");
  print "Measured from the build log'"'"'s own timestamps, as whole-build timings are too noisy for a difference this small.\n";
  print "Reproduce: `bench/run.sh release-goals`\n"}' "$BENCH_WORK/times.txt" > "$BENCH_OUT/release-goals.md"

# Sourced by bench cases: the test class path (test classes, classes, every dependency), with the
# test classes compiled first (a no-op when they are up to date).
# Usage: cp=$(bench_classpath ROOT WORKDIR)   (absolute entries; WORKDIR keeps cp.txt)
bench_classpath() {
  local root=$1 work=$2
  (cd "$root" && ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
  echo "$root/target/test-classes:$root/target/classes:$(cat "$work/cp.txt")"
}

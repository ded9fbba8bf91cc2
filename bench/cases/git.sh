#!/usr/bin/env bash
# Case 2: git provenance at scale.
#
# For each size, a generated repository (git fast-import: N files in d*/d*/d*/f*.txt, 50 per leaf
# dir, one commit, annotated tag v1, /target/ ignored), in two states: clean, then 10 modified + 10
# untracked files. Per size and state, hyperfine compares:
#   - ours: GitProvenanceResolver.resolve() in a fresh JVM, the call exp:run makes (JVM start included)
#   - a JVM-start baseline (a no-op main on the same class path)
#   - native git status --porcelain=v2 --untracked-files=all + describe --tags --always --dirty (the peer)
#   - git-commit-id-maven-plugin's revision goal, JGit and native git, and `mvn validate` as the
#     Maven-start baseline, on a minimal pom kept outside the repository (dotGitDirectory points in).
#
# Env: BENCH_ROOT (repo root), BENCH_WORK (scratch), BENCH_OUT (git.md goes there),
#      BENCH_QUICK (1: 1,000 and 20,000 files, dirty only, 2 runs; 0: 1,000, 50,000 and 200,000 files,
#      clean and dirty, 5 runs).
#      Optional: BENCH_GIT_SIZES (space-separated, overrides), BENCH_GIT_INPROCESS (1 = also run
#      ResolveBenchmark's full in-process mode per size for warm/cold figures; default 1, 0 in quick mode).
set -euo pipefail

: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
BENCH_QUICK="${BENCH_QUICK:-0}"
BENCH_GIT_INPROCESS="${BENCH_GIT_INPROCESS:-$((1 - BENCH_QUICK))}"  # quick: the jmh case has the warm in-process figures
GCID_VERSION=9.0.1

if [[ "$BENCH_QUICK" == 1 ]]; then
    # Quick mode keeps every row but fewer and smaller repositories (the Maven rows cost 3-4 s a run).
    SIZES=(${BENCH_GIT_SIZES:-1000 20000})
    STATES=(dirty)
    WARMUP=1; RUNS=2; INPROC_ITER=5
else
    SIZES=(${BENCH_GIT_SIZES:-1000 50000 200000})
    STATES=(clean dirty)
    WARMUP=1; RUNS=5; INPROC_ITER=10
fi

mkdir -p "$BENCH_WORK" "$BENCH_OUT"
WORK="$(cd "$BENCH_WORK" && pwd)"
ROOT="$(cd "$BENCH_ROOT" && pwd)"
OUT_MD="$BENCH_OUT/git.md"
MVN="$ROOT/mvnw"
REPORT="$ROOT/bench/lib/report.py"
log() { echo "[git.sh] $*" >&2; }

# --- class path and a small driver -------------------------------------------------------------
# ResolveBenchmark --once insists on exactly one change, so it cannot time the clean and 10+10
# states. GitOnce makes the same resolve() call (same resolver, same build dir and patch file) and
# checks the change count it was told to expect instead.
log "building class path"
# shellcheck source=bench/lib/classpath.sh
. "$ROOT/bench/lib/classpath.sh"
CP=$(bench_classpath "$ROOT" "$WORK")
SHIM="$WORK/shim"
mkdir -p "$SHIM/src"
cat > "$SHIM/src/GitOnce.java" <<'EOF'
import java.nio.file.Path;
import java.util.Map;

import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;

public final class GitOnce {
    public static void main(String[] args) {
        long start = System.nanoTime();
        Path repo = Path.of(args[0]);
        GitProvenance p = new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"),
                repo.resolve("target/exp/git.patch"));
        long count = p.changes().count();
        System.out.printf("%.1f %d%n", (System.nanoTime() - start) / 1e6, count);
        if (args.length > 1 && count != Long.parseLong(args[1])) {
            System.err.println("expected " + args[1] + " changes, got " + count + ": " + p.changes());
            System.exit(1);
        }
    }
}
EOF
cat > "$SHIM/src/Noop.java" <<'EOF'
public final class Noop {
    public static void main(String[] args) {
    }
}
EOF
javac -q -cp "$CP" -d "$SHIM" "$SHIM/src/GitOnce.java" "$SHIM/src/Noop.java" 2>/dev/null \
    || javac -cp "$CP" -d "$SHIM" "$SHIM/src/GitOnce.java" "$SHIM/src/Noop.java"
RUN_CP="$SHIM:$CP"

# --- repository generation ---------------------------------------------------------------------
generate() { # dir files
    local dir="$1" files="$2"
    rm -rf "$dir"
    git init -q -b main "$dir"
    python3 - "$files" <<'EOF' | git -C "$dir" fast-import --quiet
import sys
n = int(sys.argv[1])
w = sys.stdout.buffer.write
for i in range(n):
    data = b"file %d\n" % i
    w(b"blob\nmark :%d\ndata %d\n%s\n" % (i + 1, len(data), data))
ign = b"/target/\n"
w(b"blob\nmark :%d\ndata %d\n%s\n" % (n + 1, len(ign), ign))
msg = b"bench"
w(b"commit refs/heads/main\ncommitter bench <bench@example.com> 1700000000 +0000\ndata %d\n%s\n" % (len(msg), msg))
for i in range(n):
    path = "d%d/d%d/d%d/f%d.txt" % (i // 5000, i // 500 % 10, i // 50 % 10, i % 50)
    w(b"M 100644 :%d %s\n" % (i + 1, path.encode()))
w(b"M 100644 :%d .gitignore\n\n" % (n + 1))
w(b"tag v1\nfrom refs/heads/main\ntagger bench <bench@example.com> 1700000000 +0000\ndata 2\nv1\n")
EOF
    git -C "$dir" checkout -q -f main
    # Past the racy-git window, then refresh: every index entry has clean stat data from here on.
    sleep 1.1
    git -C "$dir" update-index -q --refresh
}

make_dirty() { # dir: 10 modified tracked files + 10 untracked files
    local dir="$1" i
    for i in $(seq 0 9); do
        echo "changed $i" >> "$dir/d0/d0/d0/f$i.txt"
        echo "new $i" > "$dir/d0/d0/d0/untracked$i.txt"
    done
}

check_state() { # dir expected
    local dir="$1" expected="$2" n
    n=$(git -C "$dir" status --porcelain=v1 --untracked-files=all | wc -l)
    [[ "$n" == "$expected" ]] || { log "git status shows $n changes in $dir, expected $expected"; exit 1; }
    java -cp "$RUN_CP" GitOnce "$dir" "$expected" >/dev/null
}

# --- git-commit-id pom, outside the repository -------------------------------------------------
write_pom() { # pomdir repo
    mkdir -p "$1"
    cat > "$1/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>gcid-bench</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <properties><gcid.verbose>false</gcid.verbose></properties>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.git-commit-id</groupId>
        <artifactId>git-commit-id-maven-plugin</artifactId>
        <version>$GCID_VERSION</version>
        <executions>
          <execution>
            <id>rev</id>
            <phase>initialize</phase>
            <goals><goal>revision</goal></goals>
          </execution>
        </executions>
        <configuration>
          <dotGitDirectory>$2/.git</dotGitDirectory>
          <skipPoms>false</skipPoms>
          <failOnNoGitDirectory>true</failOnNoGitDirectory>
          <verbose>\${gcid.verbose}</verbose>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
}

# Sanity: the plugin sees the right repository and dirty state (verbose prints its properties).
check_gcid() { # pom expected-dirty native
    local out
    out=$("$MVN" -o -B -f "$1" initialize -Dmaven.gitcommitid.nativegit="$3" -Dgcid.verbose=true 2>&1) || {
        # First use on this machine: fetch the plugin once from Maven Central, then stay offline.
        log "git-commit-id-maven-plugin $GCID_VERSION not in the local repository: downloading it"
        out=$("$MVN" -B -f "$1" initialize -Dmaven.gitcommitid.nativegit="$3" -Dgcid.verbose=true 2>&1) \
            || { echo "$out" >&2; exit 1; }
    }
    if ! grep -q "git.dirty.*$2" <<<"$out"; then
        log "git-commit-id (native=$3) did not report git.dirty=$2; it printed:"
        grep -i "dirty\|git\." <<<"$out" | head -20 >&2 || true
    fi
}

# --- run ----------------------------------------------------------------------------------------
: > "$OUT_MD"
{
    echo "## Git provenance at scale"
    echo
    echo "Generated repositories (one commit, annotated tag \`v1\`, 50 files per leaf directory), $([[ ${#STATES[@]} == 2 ]] && echo "clean and")"
    echo "with 10 modified + 10 untracked files. hyperfine, $WARMUP warm-up(s) + $RUNS runs per command;"
    echo "machine: $(nproc) CPUs, $(git --version), $(java -version 2>&1 | head -1)."
    echo
} >> "$OUT_MD"

declare -A MED_OURS MED_NATIVE MED_JVM
N_JVM="JVM start (no-op main)"
N_OURS="exp resolve (fresh JVM)"
N_NATIVE="git status + describe"
N_MVN="mvn validate (Maven start)"
N_GJ="git-commit-id revision (JGit)"
N_GN="git-commit-id revision (native git)"

for size in "${SIZES[@]}"; do
    repo="$WORK/repo-$size"
    pomdir="$WORK/pom-$size"
    log "generating $size files in $repo"
    t0=$(date +%s)
    generate "$repo" "$size"
    log "generated in $(( $(date +%s) - t0 )) s"
    write_pom "$pomdir" "$repo"

    inproc=""
    if [[ "$BENCH_GIT_INPROCESS" == 1 ]]; then
        # ResolveBenchmark's full mode: one modified file, cold (fresh JVM, timed inside) and warm
        # (same JVM) resolve() against native git. It modifies d0/d0/d0/f0.txt; restored after.
        log "in-process ResolveBenchmark ($INPROC_ITER iterations)"
        inproc=$(cd "$ROOT" && java -cp "$CP" dev.exprun.git.bench.ResolveBenchmark "$repo" "$size" "$INPROC_ITER" \
            2>&1 | grep -v "^SLF4J" | tail -4) || inproc="(ResolveBenchmark failed)"
        git -C "$repo" checkout -q -- d0/d0/d0/f0.txt
        rm -rf "$repo/target"
        sleep 1.1
        git -C "$repo" update-index -q --refresh
    fi

    for state in "${STATES[@]}"; do
        if [[ "$state" == dirty ]]; then
            make_dirty "$repo"
            expected=20; label="10 modified + 10 untracked"; dirtyflag=true
        else
            expected=0; label="clean"; dirtyflag=false
        fi
        check_state "$repo" "$expected"
        check_gcid "$pomdir/pom.xml" "$dirtyflag" false
        check_gcid "$pomdir/pom.xml" "$dirtyflag" true
        json="$WORK/git-$size-$state.json"
        log "hyperfine: $size files, $state"
        c_jvm="java -cp \$CP Noop"
        c_ours="java -cp \$CP GitOnce $repo $expected"
        c_native="bash -c 'git -C $repo status --porcelain=v2 --untracked-files=all >/dev/null && git -C $repo describe --tags --always --dirty >/dev/null'"
        c_mvn="mvnw -o -q -f $pomdir/pom.xml validate"
        c_gj="mvnw -o -q -f $pomdir/pom.xml initialize"
        c_gn="mvnw -o -q -f $pomdir/pom.xml initialize -Dmaven.gitcommitid.nativegit=true"
        hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
            -n "$N_JVM" "java -cp $RUN_CP Noop" \
            -n "$N_OURS" "java -cp $RUN_CP GitOnce $repo $expected" \
            -n "$N_NATIVE" "git -C $repo status --porcelain=v2 --untracked-files=all >/dev/null && git -C $repo describe --tags --always --dirty >/dev/null" \
            -n "$N_MVN" "$MVN -o -q -f $pomdir/pom.xml validate" \
            -n "$N_GJ" "$MVN -o -q -f $pomdir/pom.xml initialize" \
            -n "$N_GN" "$MVN -o -q -f $pomdir/pom.xml initialize -Dmaven.gitcommitid.nativegit=true" \
            >&2
        check_state "$repo" "$expected"
        read -r m_ours m_native m_jvm < <(python3 - "$json" "$N_OURS" "$N_NATIVE" "$N_JVM" <<'EOF'
import json, statistics, sys
r = {x["command"]: statistics.median(x["times"]) for x in json.load(open(sys.argv[1]))["results"]}
print(" ".join("%.4f" % r[n] for n in sys.argv[2:]))
EOF
)
        MED_OURS[$size-$state]=$m_ours; MED_NATIVE[$size-$state]=$m_native; MED_JVM[$size-$state]=$m_jvm
        notes=(--note "Ours is a fresh JVM that makes the same \`GitProvenanceResolver.resolve()\` call as exp:run (commit, branch, describe, tags, remote, changes, full patch written to target/exp/git.patch) and checks it found exactly $expected changes; JVM start is in it, see the no-op row. The git-commit-id rows include Maven start, see the \`mvn validate\` row; its pom lies outside the repository (\`dotGitDirectory\` points in), so it adds no untracked file."
               --note "Shell form: \`$c_jvm\`; \`$c_ours\`; \`$c_native\`; \`$c_mvn\`; \`$c_gj\`; \`$c_gn\` (\$CP = the shim dir + target/test-classes + target/classes + dependency:build-classpath).")
        if [[ -n "$inproc" ]]; then
            notes+=(--note "In-process, same repository with 1 modified file (ResolveBenchmark full mode, $INPROC_ITER iterations; cold = first resolve in a fresh JVM, JVM start excluded):"$'\n\n```\n'"$inproc"$'\n```')
        fi
        python3 "$REPORT" --json "$json" --title "Git provenance: $size files, $label" \
            --peer "$N_NATIVE" --ours "$N_OURS" --aim-ratio 1.5 \
            --command "BENCH_GIT_SIZES=$size bench/run.sh$([[ $BENCH_QUICK == 1 ]] && echo " --quick") git" \
            "${notes[@]}" >> "$OUT_MD"
    done
    rm -rf "$repo"
done

{
    echo "### Growth"
    echo
    echo "Medians in seconds. \"ours − JVM\" subtracts the no-op JVM row's median: what resolution itself costs."
    echo
    echo "| Files | State | ours | ours − JVM | native git | ours / native |"
    echo "|---:|---|---:|---:|---:|---:|"
    for size in "${SIZES[@]}"; do
        for state in "${STATES[@]}"; do
            o=${MED_OURS[$size-$state]}; n=${MED_NATIVE[$size-$state]}; j=${MED_JVM[$size-$state]}
            python3 -c "import sys; o,n,j=map(float,sys.argv[3:]); print('| %s | %s | %.3f | %.3f | %.3f | %.2fx |' % (format(int(sys.argv[1]), ','), sys.argv[2], o, o-j, n, o/n))" \
                "$size" "$state" "$o" "$n" "$j"
        done
    done
    echo
} >> "$OUT_MD"
log "wrote $OUT_MD"

package dev.exprun.git.bench;

import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: the git resolution exp:run makes ({@link GitProvenanceResolver#resolve}, one modified file,
 * patch written) against native {@code git status --porcelain --untracked-files=all} + {@code git
 * describe}, both on the same generated repository, in the same warmed JVM. Run by bench/cases/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ResolveJmh {
    @Param("1000")
    public int files;

    private Path repo;

    @Setup(Level.Trial)
    public void generate() throws Exception {
        repo = Files.createTempDirectory("resolve-jmh-");
        ResolveBenchmark.generate(repo, files);
        Files.writeString(repo.resolve("d0/d0/d0/f0.txt"), "changed\n");
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        ResolveBenchmark.run(repo.getParent(), "rm", "-rf", repo.toString());
    }

    @Benchmark
    public GitProvenance ours() {
        GitProvenance p = new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"),
                repo.resolve("target/exp/git.patch"));
        if (p.changes().count() != 1) {
            throw new IllegalStateException("expected exactly one change: " + p.changes());
        }
        return p;
    }

    @Benchmark
    public String nativeGit() throws Exception {
        return ResolveBenchmark.run(repo, "git", "status", "--porcelain=v2", "--untracked-files=all")
                + ResolveBenchmark.run(repo, "git", "describe", "--tags", "--always", "--dirty");
    }
}

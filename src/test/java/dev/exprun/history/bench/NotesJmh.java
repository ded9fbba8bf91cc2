package dev.exprun.history.bench;

import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
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
 * JMH: reading every run note ({@link RunNotes#readAll()}, what exp:history reads) against native
 * {@code git log --notes=exprun --oneline}, on commits x runsPerCommit notes after {@code git gc}.
 * Run by bench/cases/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NotesJmh {
    @Param("2000")
    public int commits;
    @Param("5")
    public int runsPerCommit;

    private Path dir;
    private Repository repo;

    @Setup(Level.Trial)
    public void generate() throws Exception {
        dir = Files.createTempDirectory("notes-jmh-").resolve("repo");
        List<String> ids = NotesBenchmark.fastImport(dir, commits);
        repo = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build();
        NotesBenchmark.writeNotes(repo, ids, runsPerCommit);
        NotesBenchmark.git(dir, "gc", "-q");
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        repo.close();
        NotesBenchmark.run(dir.getParent().getParent(), "rm", "-rf", dir.getParent().toString());
    }

    @Benchmark
    public int ours() throws Exception {
        Map<String, List<RunNote>> all = new RunNotes(repo).readAll();
        int runs = all.values().stream().mapToInt(List::size).sum();
        if (runs != commits * runsPerCommit) {
            throw new IllegalStateException("readAll saw " + runs + " runs");
        }
        return runs;
    }

    @Benchmark
    public String nativeGit() throws Exception {
        return NotesBenchmark.run(dir, "git", "log", "--notes=exprun", "--oneline");
    }
}

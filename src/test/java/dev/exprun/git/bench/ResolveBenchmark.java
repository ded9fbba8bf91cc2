package dev.exprun.git.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;

/**
 * Times {@link GitProvenanceResolver#resolve} on a 50,000-file repository with one modified file
 * against native {@code git status --porcelain --untracked-files=all} + {@code git describe --tags
 * --always --dirty}. Not a test: run by hand, e.g.
 *
 * <pre>
 * ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.exprun.git.bench.ResolveBenchmark /tmp/bench50k
 * </pre>
 *
 * Args: repoDir [files=50000] [iterations=15]. The repository is generated on the first run.
 * "Cold" is the first resolve in a fresh JVM (class loading and JIT included, JVM start excluded),
 * which is what the first build in a Maven JVM pays.
 */
public final class ResolveBenchmark {
    private static final String MODIFIED = "d0/d0/d0/f0.txt";

    private ResolveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--once")) {
            long start = System.nanoTime();
            GitProvenance p = resolve(Path.of(args[1]));
            System.out.printf("%.1f %d%n", ms(System.nanoTime() - start), p.changes().count());
            return;
        }
        Path repo = Path.of(args.length > 0 ? args[0] : "/tmp/bench50k");
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        if (!Files.isDirectory(repo.resolve(".git"))) {
            generate(repo, files);
        }
        Files.writeString(repo.resolve(MODIFIED), "modified " + System.nanoTime() + "\n");

        double nativeCold = nativeGit(repo);
        double oursCold = coldResolve(repo);
        // Interleaved, so that load from other processes hits both sides alike.
        double[] nativeWarm = new double[iterations];
        double[] oursWarm = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            nativeWarm[i] = nativeGit(repo);
            oursWarm[i] = timed(() -> resolve(repo));
        }
        Arrays.sort(nativeWarm);
        Arrays.sort(oursWarm);
        System.out.printf("files=%d iterations=%d cpus=%d%n", files, iterations,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("native git status+describe: cold %.1f ms, warm best %.1f ms, median %.1f ms%n",
                nativeCold, nativeWarm[0], nativeWarm[iterations / 2]);
        System.out.printf("resolve():                  cold %.1f ms, warm best %.1f ms, median %.1f ms%n",
                oursCold, oursWarm[0], oursWarm[iterations / 2]);
        System.out.printf("ratio: warm best %.2fx, warm median %.2fx, cold %.2fx%n", oursWarm[0] / nativeWarm[0],
                oursWarm[iterations / 2] / nativeWarm[iterations / 2], oursCold / nativeCold);
    }

    private static GitProvenance resolve(Path repo) {
        GitProvenance p = new GitProvenanceResolver(ExpLog.NONE, Map.of()).resolve(repo, repo.resolve("target"),
                repo.resolve("target/exp/git.patch"));
        if (p.changes().count() != 1) {
            throw new IllegalStateException("expected exactly one change: " + p.changes());
        }
        return p;
    }

    private static double timed(java.util.concurrent.Callable<?> work) throws Exception {
        long start = System.nanoTime();
        work.call();
        return ms(System.nanoTime() - start);
    }

    private static double nativeGit(Path repo) throws Exception {
        long start = System.nanoTime();
        run(repo, "git", "status", "--porcelain", "--untracked-files=all");
        run(repo, "git", "describe", "--tags", "--always", "--dirty");
        return ms(System.nanoTime() - start);
    }

    /** One resolve in a fresh JVM, timed inside it. */
    private static double coldResolve(Path repo) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = run(repo, java, "-cp", absoluteClassPath(), ResolveBenchmark.class.getName(),
                "--once", repo.toString());
        String[] lines = out.trim().split("\n");
        return Double.parseDouble(lines[lines.length - 1].split(" ")[0]); // after any SLF4J notice
    }

    /** The child runs in the repository, so relative entries (target/classes) must be made absolute. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    static void generate(Path repo, int files) throws Exception {
        System.out.println("generating " + files + " files in " + repo);
        Files.createDirectories(repo);
        run(repo, "git", "init", "-q", "-b", "main");
        for (int i = 0; i < files; i++) {
            // 50 files per leaf dir, 10 leaves per dir, 10 dirs per top dir: d0/d0/d0/f0.txt ...
            String path = "d" + (i / 5000) + "/d" + (i / 500 % 10) + "/d" + (i / 50 % 10) + "/f" + (i % 50) + ".txt";
            Path file = repo.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "file " + i + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(repo.resolve(".gitignore"), "/target/\n");
        run(repo, "git", "add", "-A");
        run(repo, "git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "bench");
        run(repo, "git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "tag", "-a", "-m", "v1", "v1");
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}

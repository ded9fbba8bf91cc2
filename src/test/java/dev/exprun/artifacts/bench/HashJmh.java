package dev.exprun.artifacts.bench;

import dev.exprun.artifacts.Sha256;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
 * JMH: hashing one checkpoint as exp:run hashes every output ({@link Sha256#of}) against the
 * {@code sha256sum} program on the same (page-cached) file. Run by bench/cases/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HashJmh {
    @Param("256")
    public int mib;

    private Path file;
    private String expected;

    @Setup(Level.Trial)
    public void write() throws Exception {
        file = Files.createTempFile("hash-jmh-", ".pt");
        byte[] block = new byte[1 << 20];
        Random random = new Random(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        expected = sha256sum();
        if (!expected.equals(Sha256.of(file))) {
            throw new IllegalStateException("Sha256.of differs from sha256sum");
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public String ours() throws Exception {
        return Sha256.of(file);
    }

    @Benchmark
    public String sha256sum() throws Exception {
        Process p = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("sha256sum failed: " + out);
        }
        return out.substring(0, 64);
    }
}

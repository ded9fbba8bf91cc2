package dev.exprun.artifacts.bench;

import com.sun.management.ThreadMXBean;
import dev.exprun.artifacts.Sha256;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Hashes one file the way exp:run hashes every output ({@link Sha256#of}) and prints the sha256 and
 * the bytes the hashing allocated on the heap, so bench/cases/artifacts.sh can time it against
 * sha256sum and show that memory does not grow with the file. (Heap pool peaks are no use here: they
 * only move at a collection, and streaming a file through one buffer causes none.) Not a test:
 * {@code java -cp target/test-classes:target/classes:... dev.exprun.artifacts.bench.HashBenchmark FILE}.
 */
public final class HashBenchmark {
    private HashBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String sha = Sha256.of(Path.of(args[0]));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println(sha + " heap-allocated-bytes=" + allocated);
    }
}

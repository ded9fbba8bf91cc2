package dev.exprun.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A build in a second JVM (a harness class with a main), so tests can send it SIGTERM or SIGKILL as Ctrl-C or a killed CI job would. */
public final class ChildBuild {
    private ChildBuild() {
    }

    /** A java command line for mainClass on this test's classpath, with JVM options first. */
    public static ProcessBuilder java(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Starts it and waits (up to seconds) for the line that says it is where the test wants it; its later output is drained. */
    public static Process startAndAwait(ProcessBuilder pb, Predicate<String> ready, long seconds) throws IOException {
        return awaitLine(pb.start(), ready, seconds);
    }

    /** Waits (up to seconds) for the started build's line that says it is where the test wants it; its later output is drained. */
    public static Process awaitLine(Process build, Predicate<String> ready, long seconds) throws IOException {
        new Lines(build).await(ready, seconds);
        return build;
    }

    /** The build's output, every line kept as it comes (read on a thread of its own, to its end), for waits and assertions. */
    public static final class Lines {
        private final Process build;
        private final List<String> lines = new ArrayList<>();
        private boolean ended;

        public Lines(Process build) {
            this.build = build;
            Thread reader = new Thread(this::read, "child-build-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // killed: its output ends here
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** The first line that matches, waiting up to seconds for it; the build is killed and the test fails without it. */
        public synchronized String await(Predicate<String> wanted, long seconds) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (ended || left <= 0) {
                    build.destroyForcibly();
                    throw new AssertionError("the build never got there:\n" + String.join("\n", lines));
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the build", e);
                }
            }
        }

        /** Every line so far (after the build's end: all of them). */
        public synchronized List<String> all() {
            return List.copyOf(lines);
        }

        /** After the build's end, until its last line is read. */
        public synchronized List<String> allAfterEnd(long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!ended && System.nanoTime() < deadline) {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            return List.copyOf(lines);
        }
    }

    /** SIGTERM, as Ctrl-C or a cancelled CI job sends it, and the build's end (within a minute, or the test fails). */
    public static void terminate(Process build) throws InterruptedException {
        build.toHandle().destroy(); // Process.destroy() would also close our end of its output: its last lines would be lost
        if (!build.waitFor(60, TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new AssertionError("the build did not end within 60 s of SIGTERM");
        }
    }
}

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
        BufferedReader out = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            seen.append(line).append('\n');
            if (ready.test(line)) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (UncheckedIOException e) {
                        // killed: its output ends here
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return build;
            }
        }
        build.destroyForcibly();
        throw new AssertionError("the build never got there:\n" + seen);
    }

    /** SIGTERM, as Ctrl-C or a cancelled CI job sends it, and the build's end (within a minute, or the test fails). */
    public static void terminate(Process build) throws InterruptedException {
        build.destroy();
        if (!build.waitFor(60, TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new AssertionError("the build did not end within 60 s of SIGTERM");
        }
    }
}

package dev.exprun.testing;

import dev.exprun.container.EngineConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real engine the tests use, provisioned by scripts/test-engine.sh. Engine tests fail (never
 * skip) when it is missing: a green build must mean the container path was exercised.
 */
public final class TestEngine {
    public static final String TINY = "localhost/exp-test/tiny:1";
    public static final String TORCH = "localhost/exp-test/pytorch-cpu:1.13";
    public static final String REGISTRY = "127.0.0.1:5000";
    public static final String AUTH_REGISTRY = "127.0.0.1:5001";
    public static final String AUTH_USER = "exp-user";
    public static final String AUTH_PASSWORD = "exp-secret-pw";

    private TestEngine() {
    }

    public static String host() {
        String host = System.getProperty("exp.test.dockerHost");
        if (host == null || host.isBlank() || host.startsWith("${")) {
            host = System.getenv("DOCKER_HOST");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("No test engine: DOCKER_HOST is not set. Run the README's test command "
                    + "(scripts/test.sh), which provisions the engine with scripts/test-engine.sh.");
        }
        return host;
    }

    public static EngineConnection open() {
        return EngineConnection.open(host());
    }

    /** The docker CLI against the test engine, for setting up situations the plugin must handle. */
    public static String docker(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "-H", host()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("docker", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " timed out");
            }
            String text = Files.readString(out);
            Files.delete(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + text);
            }
            return text.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Containers carrying a label (any value), for leak checks. */
    public static List<String> containersLabelled(String label) {
        String out = docker("ps", "-a", "--filter", "label=" + label, "--format", "{{.ID}}");
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }
}

package dev.exprun.testing;

import dev.exprun.container.EngineConnection;
import java.util.List;

/**
 * The real engine the tests use, provisioned by scripts/test-engine.sh: Podman's Docker API, or a real
 * Docker Engine (the build runs the engine tests once on each; see pom.xml). Engine tests fail (never
 * skip) when it is missing: a green build must mean the container path was exercised.
 */
public final class TestEngine {
    public static final String TINY = "localhost/exp-test/tiny:1";
    public static final String TORCH = "localhost/exp-test/pytorch-cpu:1.13";
    /** The PyTorch image with Debian's jupyter-notebook (6.4), for exp:notebook. */
    public static final String JUPYTER = "localhost/exp-test/jupyter:1";
    public static final String REGISTRY = "127.0.0.1:5000";
    public static final String AUTH_REGISTRY = "127.0.0.1:5001";
    public static final String AUTH_USER = "exp-user";
    public static final String AUTH_PASSWORD = "exp-secret-pw";
    public static final String PODMAN = "podman";
    public static final String DOCKER = "docker";

    private static volatile boolean checked;

    private TestEngine() {
    }

    /** podman or docker: which engine this test run is for (set by the build; a child JVM of a test inherits DOCKER_HOST). */
    public static String kind() {
        String kind = System.getProperty("exp.test.engine");
        return kind == null || kind.isBlank() ? null : kind;
    }

    public static String host() {
        String host = System.getProperty("exp.test.dockerHost");
        String kind = kind();
        if (host == null || host.isBlank() || host.startsWith("${")) {
            if (kind != null) {
                throw new IllegalStateException("No test engine for " + kind + ": EXP_TEST_" + kind.toUpperCase(java.util.Locale.ROOT)
                        + "_HOST is not set. Run the README's test command (scripts/test.sh), which provisions both engines with "
                        + "scripts/test-engine.sh.");
            }
            host = System.getenv("DOCKER_HOST");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("No test engine: DOCKER_HOST is not set. Run the README's test command "
                    + "(scripts/test.sh), which provisions the engines with scripts/test-engine.sh.");
        }
        if (kind != null && !checked) {
            check(host, kind);
        }
        return host;
    }

    /** The engine at the host must be the kind the build asked for: a misconfigured run must fail, not test the other engine twice. */
    private static synchronized void check(String host, String kind) {
        if (checked) {
            return;
        }
        try (EngineConnection engine = EngineConnection.open(host, java.util.Map.of())) {
            String actual = engine.info().name();
            if (!kind.equals(actual)) {
                throw new IllegalStateException("The test engine at " + host + " is " + actual + ", but this run is for " + kind);
            }
        }
        checked = true;
    }

    public static EngineConnection open() {
        return EngineConnection.open(host(), java.util.Map.of());
    }

    /** True when the tests run against a real Docker Engine (for assertions that differ by engine, with the reason). */
    public static boolean isDocker() {
        try (EngineConnection engine = open()) {
            return DOCKER.equals(engine.info().name());
        }
    }

    /** The docker CLI against the test engine, for setting up situations the plugin must handle. */
    public static String docker(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "-H", host()));
        command.addAll(List.of(args));
        return Cmd.run(null, java.util.Map.of(), command);
    }

    /** Containers carrying a label (any value), for leak checks. */
    public static List<String> containersLabelled(String label) {
        String out = docker("ps", "-a", "--filter", "label=" + label, "--format", "{{.ID}}");
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** The label filter for the containers of a test project (Projects.config's group is test.exprun). */
    public static String projectLabel(String project) {
        return dev.exprun.container.ContainerLabels.PROJECT + "=test.exprun:" + project;
    }

    /** Removes what a failed test left (a passing one leaves nothing: that is what the tests check). */
    public static void removeLabelled(String label) {
        for (String id : containersLabelled(label)) {
            docker("rm", "-f", id);
        }
    }
}

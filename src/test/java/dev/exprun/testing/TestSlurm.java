package dev.exprun.testing;

import dev.exprun.slurm.SlurmConfiguration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real one-node Slurm cluster the tests submit to, provisioned by scripts/test-engine.sh (SLURM_CONF and
 * EXP_TEST_SLURM_* in the environment). Its node runs each job's container with the CLI of the engine this
 * test run is for (podman, or docker against the Docker Engine). Slurm tests fail, never skip, without it.
 */
public final class TestSlurm {
    private TestSlurm() {
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("No test Slurm cluster: " + name + " is not set. Run the README's test command "
                    + "(scripts/test.sh), which provisions it with scripts/test-engine.sh.");
        }
        return value;
    }

    public static String partition() {
        return required("EXP_TEST_SLURM_PARTITION");
    }

    public static String node() {
        return required("EXP_TEST_SLURM_NODE");
    }

    /** A directory the build sees and the node does not (a tmpfs in slurmd's own mount namespace). */
    public static Path unsharedDir() {
        return Path.of(required("EXP_TEST_SLURM_UNSHARED_DIR"));
    }

    /** What runs the containers on the node: the CLI of this run's engine. */
    public static String runtime() {
        return TestEngine.DOCKER.equals(TestEngine.kind()) ? "docker" : "podman";
    }

    /** The build's environment for Slurm: its commands and config, and what the node's container CLI needs. */
    public static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", required("PATH"));
        env.put("SLURM_CONF", required("SLURM_CONF"));
        env.put("DOCKER_HOST", TestEngine.host());
        for (String name : List.of("CONTAINERS_CONF", "CONTAINERS_REGISTRIES_CONF")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    /** The configuration sent to Slurm: this cluster's partition and node runtime, polled every second. */
    public static Projects.Config onSlurm(Projects.Config config) {
        config.executor = "slurm";
        config.hostEnv.putAll(environment());
        config.slurm = settings(null, null, false);
        return config;
    }

    public static SlurmConfiguration settings(String partition, String sharedDir, boolean requeue) {
        return new SlurmConfiguration(partition == null ? partition() : partition, null, null, null, null, List.of(), runtime(), sharedDir,
                "1s", String.valueOf(requeue));
    }

    /** A Slurm command as the test's admin; its output, failing loudly. */
    public static String command(String... args) {
        return Cmd.run(null, environment(), List.of(args));
    }

    /** The queued or running jobs whose comment names this project (what a build submitted for it). */
    public static List<String> jobsOf(String project) {
        String out = command("squeue", "--noheader", "--Format=JobID:|,Comment:|");
        return out.lines().map(String::strip).filter(l -> l.contains("project=test.exprun:" + project + " "))
                .map(l -> l.substring(0, l.indexOf('|'))).toList();
    }

    /** Brings the node back (after a test took it down) and waits until it takes jobs again. */
    public static void nodeUp() throws InterruptedException {
        try {
            command("scontrol", "update", "nodename=" + node(), "state=resume");
        } catch (IllegalStateException e) {
            // not down (any more): Slurm refuses to resume a node that is up
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String state = command("sinfo", "--noheader", "--nodes=" + node(), "--format=%T");
            if (state.startsWith("idle") || state.startsWith("mixed") || state.startsWith("allocated")) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException("node " + node() + " did not come back");
    }
}

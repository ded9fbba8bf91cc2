package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one container to completion as a batch job: create, attach to its output, start, wait (bounded
 * by the timeout), check the log against the engine's copy, remove. The container never outlives the call.
 */
public final class ContainerRunner {
    static final int TAIL_LINES = 30;
    private static final long LOG_QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long STOP_GRACE_SECONDS = 10;
    private static final long ATTACH_TIMEOUT_MILLIS = 60_000;
    private static final int WAIT_ATTEMPTS = 5;

    private final EngineConnection engine;
    private final ExpLog log;

    public ContainerRunner(EngineConnection engine, ExpLog log) {
        this.engine = engine;
        this.log = log;
    }

    /** timeout null = no limit. The raw log is written to rawLog, lines go to sink. */
    public ContainerOutcome run(ContainerSpec spec, Path rawLog, LogLineSink sink, Duration timeout, ShutdownGuard guard) {
        DockerClient client = engine.client();
        Steps steps = new Steps();
        String id = create(spec);
        steps.done("create");
        guard.containerCreated(id);
        try {
            return runCreated(id, spec, rawLog, sink, timeout, guard, steps);
        } finally {
            removeQuietly(client, id);
            steps.done("remove");
            log.debug("Container " + spec.name() + ": " + steps);
        }
    }

    /** How long each step of a container took, for the debug log: where a run's seconds beyond its script go. */
    private static final class Steps {
        private final StringBuilder done = new StringBuilder();
        private long last = System.nanoTime();

        void done(String step) {
            long now = System.nanoTime();
            done.append(done.length() == 0 ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000).append(" ms");
            last = now;
        }

        @Override
        public String toString() {
            return done.toString();
        }
    }

    private ContainerOutcome runCreated(String id, ContainerSpec spec, Path rawLog, LogLineSink sink, Duration timeout,
                                        ShutdownGuard guard, Steps steps) {
        LogPump pump = new LogPump(rawLog, sink, TAIL_LINES);
        try {
            if (guard.interrupted()) {
                return new ContainerOutcome(id, null, false, true, false, List.of(), List.of(), null, null);
            }
            attach(id, pump);
            steps.done("attach");
            try {
                engine.client().startContainerCmd(id).exec();
            } catch (DockerException e) {
                if (guard.interrupted()) {
                    // Stopped while it was being created or attached: an interrupted run, not a failed start.
                    return new ContainerOutcome(id, null, false, true, false, List.of(), List.of(), null, null);
                }
                throw gpuRefusal(spec, e).orElseGet(() -> new ExpError("The engine could not start the container for image "
                        + spec.imageId() + ": " + EngineConnection.rootMessage(e), "check the command, user and mounts in the plugin configuration", e));
            }
            if (guard.interrupted()) {
                stopQuietly(engine.client(), id, STOP_GRACE_SECONDS); // stopped between create and start
            }
            steps.done("start");
            Instant started = Instant.now();
            WaitResult wait = waitFor(id, timeout);
            Instant ended = Instant.now();
            steps.done("wait");
            drain(pump);
            steps.done("drain");
            // (not known yet: read the tail until it stops moving, which holds for every engine)
            boolean docker = engine.infoIfKnown().map(i -> EngineIdentity.DOCKER.equals(i.name())).orElse(false);
            new LogReconciler(engine.client(), log, docker).reconcile(id, rawLog, pump);
            pump.finish();
            steps.done("log check");
            return new ContainerOutcome(id, wait.exitCode, wait.timedOut, guard.interrupted(), oomKilled(id, wait.exitCode),
                    pump.tail(), pump.errorTail(), started, ended);
        } finally {
            pump.seal();
            pump.finish();
        }
    }

    /**
     * Attaches to the created container's output before it starts, as {@code docker run} does: the
     * engine then holds the output until it is read (nothing is skipped, unlike its follow stream
     * of the logs, which Podman serves slowly and with gaps under load). A slow reader slows the
     * container's writes, never loses them.
     */
    private void attach(String id, LogPump pump) {
        engine.client().attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(pump);
        boolean attached;
        try {
            attached = pump.awaitAttached(ATTACH_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (pump.error() != null) {
            throw new ExpError("The engine refused to attach to the container's output: " + EngineConnection.rootMessage(pump.error()),
                    "check that the engine at " + engine.host() + " supports attaching (docker attach)", pump.error());
        }
        if (!attached) {
            throw new ExpError("The engine did not attach to the container's output within " + ATTACH_TIMEOUT_MILLIS / 1000 + " s",
                    "check that the engine at " + engine.host() + " is responsive (docker info)");
        }
    }

    private String create(ContainerSpec spec) {
        try {
            return createCommand(engine.client(), spec).exec().getId();
        } catch (DockerException e) {
            throw gpuRefusal(spec, e).orElseGet(() -> new ExpError("The engine refused to create the container " + spec.name() + ": "
                    + EngineConnection.rootMessage(e), "check <network>, <user>, <gpus> and the mounts", e));
        }
    }

    /** The create request as docker-java sends it (tests read the device requests and limits off it). */
    static CreateContainerCmd createCommand(DockerClient client, ContainerSpec spec) {
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(spec.mounts().stream()
                        .map(m -> new Bind(m.hostPath().toString(), new Volume(m.containerPath()),
                                m.readOnly() ? AccessMode.ro : AccessMode.rw))
                        .toList())
                .withShmSize(spec.shmSizeBytes());
        if (spec.network() != null) {
            host = host.withNetworkMode(spec.network());
        }
        if (spec.gpus().requested()) {
            host = host.withDeviceRequests(List.of(spec.gpus().deviceRequest(spec.gpuMode())));
        }
        if (spec.limits().nanoCpus() != null) {
            host = host.withNanoCPUs(spec.limits().nanoCpus());
        }
        if (spec.limits().memoryBytes() != null) {
            host = host.withMemory(spec.limits().memoryBytes()).withMemorySwap(spec.limits().memoryBytes());
        }
        CreateContainerCmd cmd = client.createContainerCmd(spec.imageId())
                .withName(spec.name())
                .withCmd(spec.command())
                .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withLabels(spec.labels())
                .withWorkingDir(spec.workingDir())
                .withHostConfig(host);
        if (spec.user() != null) {
            cmd = cmd.withUser(spec.user());
        }
        return cmd;
    }

    /** Engines refuse GPU requests at create (Podman with CDI) or at start (Docker): either way, the fix is about GPUs. */
    private Optional<ExpError> gpuRefusal(ContainerSpec spec, DockerException e) {
        if (!spec.gpus().requested()) {
            return Optional.empty();
        }
        return Optional.ofNullable(GpuRequestRefused.explain(EngineConnection.rootMessage(e), spec.gpus(), spec.gpuMode(),
                engine.infoIfKnown().orElse(null), e));
    }

    private record WaitResult(Integer exitCode, boolean timedOut) {
    }

    /**
     * Waits for the exit code, bounded by the timeout. A wait stream can end without a code: after a stop
     * (ours or the shutdown hook's) the engine is asked; while the container still runs, the stream broke
     * (a proxy's idle timeout, an engine hiccup) and the wait starts again, a few times at most: a broken
     * connection must not end a training that is still running.
     */
    private WaitResult waitFor(String id, Duration timeout) {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            WaitCallback callback = engine.client().waitContainerCmd(id).exec(new WaitCallback());
            try {
                Long left = timeout == null ? null : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (!callback.await(left)) {
                    log.warn("The run reached its timeout (" + timeout.toSeconds() + " s); stopping the container");
                    stopQuietly(engine.client(), id, STOP_GRACE_SECONDS);
                    return new WaitResult(exitCodeAfterTheFact(id), true);
                }
                if (callback.statusCode() != null) {
                    return new WaitResult(callback.statusCode(), false);
                }
                Boolean running = running(id);
                if (running == null || !running) {
                    return new WaitResult(running == null ? null : exitCodeAfterTheFact(id), false);
                }
                String why = callback.error() == null ? "it ended without an exit code" : EngineConnection.rootMessage(callback.error());
                if (attempt >= WAIT_ATTEMPTS) {
                    throw new ExpError("The engine's wait for container " + id + " broke off " + attempt + " times while the container"
                            + " was still running (" + why + ").", "check the connection to the engine at " + engine.host()
                            + " (a proxy or load balancer with an idle timeout?) and the engine's log");
                }
                log.warn("The engine's wait for the container broke off while it still runs (" + why + "); waiting again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new WaitResult(exitCodeAfterTheFact(id), false);
            } finally {
                closeQuietly(callback);
            }
        }
    }

    /** Whether the kernel's OOM killer ended it: asked only for exit code 137 (SIGKILL), the only code it leaves. */
    private boolean oomKilled(String id, Integer exitCode) {
        if (exitCode == null || exitCode != 137) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(engine.client().inspectContainerCmd(id).exec().getState().getOOMKilled());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the container runs; null when it is gone. */
    private Boolean running(String id) {
        try {
            return Boolean.TRUE.equals(engine.client().inspectContainerCmd(id).exec().getState().getRunning());
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** After a stop (ours or the shutdown hook's) the wait stream may be cut: ask the engine. */
    private Integer exitCodeAfterTheFact(String id) {
        for (int i = 0; i < 50; i++) {
            try {
                var state = engine.client().inspectContainerCmd(id).exec().getState();
                if (!Boolean.TRUE.equals(state.getRunning())) {
                    return state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
                }
                Thread.sleep(200);
            } catch (NotFoundException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Waits for the follow stream to end, as long as it still brings bytes; never forever. */
    private static void drain(LogPump pump) {
        try {
            while (!pump.awaitEnd(200) && pump.nanosSinceLastFrame() < LOG_QUIET_NANOS) {
                // still streaming
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void stopQuietly(DockerClient client, String id, long graceSeconds) {
        try {
            client.stopContainerCmd(id).withTimeout((int) graceSeconds).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // Already gone or already stopped.
        } catch (RuntimeException e) {
            // Best effort; removal with force follows.
        }
    }

    static void removeQuietly(DockerClient client, String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // Already gone: that is what we want.
        } catch (RuntimeException e) {
            // Podman answers 409/500 while a removal by the shutdown hook is in flight; check once more.
            try {
                client.inspectContainerCmd(id).exec();
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // Not there any more, or the engine is gone; the next run's sweep catches leftovers.
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // Closing a finished stream.
        }
    }

    /** Labels that tie a container to this build and project; runDir null when the container has no run directory. */
    public static Map<String, String> labels(String runId, String project, String commit, BuildIdentity build, Path runDir) {
        Map<String, String> labels = new HashMap<>(Map.of(
                ContainerLabels.RUN_ID, runId,
                ContainerLabels.PROJECT, project,
                ContainerLabels.GIT_COMMIT, commit == null ? "none" : commit,
                ContainerLabels.BUILD_HOST, build.host(),
                ContainerLabels.BUILD_PID, String.valueOf(build.pid()),
                ContainerLabels.BUILD_STARTED, String.valueOf(build.startedMillis())));
        if (runDir != null) {
            labels.put(ContainerLabels.RUN_DIR, runDir.toAbsolutePath().toString());
        }
        return Map.copyOf(labels);
    }
}

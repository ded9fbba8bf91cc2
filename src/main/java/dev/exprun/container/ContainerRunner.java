package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one container to completion as a batch job: create, start, stream logs, wait (bounded by the
 * timeout), reconcile the log with the engine's copy, remove. The container never outlives the call.
 */
public final class ContainerRunner {
    static final int TAIL_LINES = 30;
    private static final int RECONCILE_TAIL = 64;
    private static final long LOG_QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long STOP_GRACE_SECONDS = 10;
    private static final int SETTLE_POLLS = 100;
    private static final long SETTLE_INTERVAL_MILLIS = 50;

    private final EngineConnection engine;
    private final ExpLog log;

    public ContainerRunner(EngineConnection engine, ExpLog log) {
        this.engine = engine;
        this.log = log;
    }

    /** timeout null = no limit. The raw log is written to rawLog, lines go to sink. */
    public ContainerOutcome run(ContainerSpec spec, Path rawLog, LogLineSink sink, Duration timeout, ShutdownGuard guard) {
        DockerClient client = engine.client();
        String id = create(spec);
        guard.containerCreated(id);
        LogPump pump = new LogPump(rawLog, sink, TAIL_LINES);
        try {
            if (guard.interrupted()) {
                return new ContainerOutcome(id, null, false, true, List.of());
            }
            try {
                client.startContainerCmd(id).exec();
            } catch (DockerException e) {
                throw new ExpError("The engine could not start the container for image " + spec.imageId() + ": "
                        + EngineConnection.rootMessage(e), "check the command, user and mounts in the plugin configuration", e);
            }
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(pump);
            WaitResult wait = waitFor(id, timeout);
            drain(pump);
            reconcile(id, rawLog, pump);
            pump.finish();
            return new ContainerOutcome(id, wait.exitCode, wait.timedOut, guard.interrupted(), pump.tail());
        } finally {
            closeQuietly(pump);
            pump.finish();
            removeQuietly(client, id);
        }
    }

    private String create(ContainerSpec spec) {
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
            host = host.withDeviceRequests(List.of(spec.gpus().deviceRequest().orElseThrow()));
        }
        CreateContainerCmd cmd = engine.client().createContainerCmd(spec.imageId())
                .withName(spec.name())
                .withCmd(spec.command())
                .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withLabels(spec.labels())
                .withWorkingDir(spec.workingDir())
                .withHostConfig(host);
        if (spec.user() != null) {
            cmd = cmd.withUser(spec.user());
        }
        try {
            return cmd.exec().getId();
        } catch (DockerException e) {
            throw new ExpError("The engine refused to create the container " + spec.name() + ": "
                    + EngineConnection.rootMessage(e), "check <network>, <user>, <gpus> and the mounts", e);
        }
    }

    private record WaitResult(Integer exitCode, boolean timedOut) {
    }

    private WaitResult waitFor(String id, Duration timeout) {
        WaitContainerResultCallback callback = engine.client().waitContainerCmd(id).exec(new WaitContainerResultCallback());
        try {
            if (timeout == null) {
                return new WaitResult(callback.awaitStatusCode(), false);
            }
            return new WaitResult(callback.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS), false);
        } catch (DockerClientException e) {
            if (timeout == null || !String.valueOf(e.getMessage()).contains("timeout")) {
                return new WaitResult(exitCodeAfterTheFact(id), false);
            }
            log.warn("The run reached its timeout (" + timeout.toSeconds() + " s); stopping the container");
            stopQuietly(engine.client(), id, STOP_GRACE_SECONDS);
            return new WaitResult(exitCodeAfterTheFact(id), true);
        } finally {
            closeQuietly(callback);
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
            while (!pump.awaitCompletion(200, TimeUnit.MILLISECONDS)) {
                if (pump.nanosSinceLastFrame() > LOG_QUIET_NANOS) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The stream broke: reconcile() reads what it missed from the engine.
        }
    }

    /**
     * The follow stream is for the live view only: it can lose its end (docker-java #1841, moby
     * #10617) and Podman's skips lines under load (seen here: 34994..35712 of a seq 1 200000). The
     * raw log is checked against the engine's own copy, read once the engine has written all of it.
     * Whatever the live view missed is added (or, after a gap, shown again from the gap on).
     */
    private void reconcile(String id, Path rawLog, LogPump pump) {
        closeQuietly(pump);
        pump.flushFile();
        Path full = rawLog.resolveSibling(rawLog.getFileName() + ".engine");
        try {
            settledTail(id);
            try (OutputStream out = Files.newOutputStream(full)) {
                readLogs(id, -1, out);
            }
            long have = Files.size(rawLog);
            long same = commonPrefix(rawLog, full);
            long engineSize = Files.size(full);
            if (same == have && engineSize > have) {
                byte[] missing = readFrom(full, have);
                log.warn("The live log missed the last " + missing.length + " bytes; they follow, from the engine's copy");
                pump.accept(false, missing, 0, missing.length);
                pump.flushFile();
            } else if (same < have) {
                byte[] rest = readFrom(full, lineStart(full, same));
                log.warn("The live log skipped output after byte " + same + " of " + engineSize
                        + " (the engine's follow stream is lossy); the rest of the log follows again, from the engine's copy");
                pump.finish();
                LineSplitter replay = new LineSplitter(false, pump.sink());
                replay.feed(rest, 0, rest.length);
                replay.flush();
                Files.move(full, rawLog, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot check the log against the engine's copy (" + EngineConnection.rootMessage(e)
                    + "); keeping the streamed log of " + pump.bytes() + " bytes");
        } finally {
            try {
                Files.deleteIfExists(full);
            } catch (IOException e) {
                log.debug("Cannot delete " + full + ": " + e.getMessage());
            }
        }
    }

    /**
     * Podman reports a container as exited before conmon has written all its output to the log
     * file. Wait until the end of the engine's log stops moving.
     */
    private void settledTail(String id) {
        byte[] previous = readLogs(id, RECONCILE_TAIL);
        for (int i = 0; i < SETTLE_POLLS; i++) {
            try {
                Thread.sleep(SETTLE_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] now = readLogs(id, RECONCILE_TAIL);
            if (Arrays.equals(now, previous)) {
                return;
            }
            previous = now;
        }
    }

    private byte[] readLogs(String id, int tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        readLogs(id, tail, out);
        return out.toByteArray();
    }

    private void readLogs(String id, int tail, OutputStream out) {
        var cmd = engine.client().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false);
        if (tail >= 0) {
            cmd = cmd.withTail(tail);
        }
        ResultCallback.Adapter<Frame> collect = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    out.write(frame.getPayload());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            cmd.exec(collect).awaitCompletion(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Length of the longest common prefix of two files. */
    static long commonPrefix(Path a, Path b) throws IOException {
        try (InputStream x = Files.newInputStream(a); InputStream y = Files.newInputStream(b)) {
            byte[] bx = new byte[1 << 16];
            byte[] by = new byte[1 << 16];
            long same = 0;
            while (true) {
                int nx = x.readNBytes(bx, 0, bx.length);
                int ny = y.readNBytes(by, 0, nx);
                int mismatch = Arrays.mismatch(bx, 0, nx, by, 0, ny);
                if (mismatch >= 0) {
                    return same + mismatch;
                }
                same += nx;
                if (nx < bx.length) {
                    return same;
                }
            }
        }
    }

    private static byte[] readFrom(Path file, long offset) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return in.readAllBytes();
        }
    }

    /** Offset of the start of the line holding byte {@code offset}. */
    private static long lineStart(Path file, long offset) throws IOException {
        if (offset == 0) {
            return 0;
        }
        try (var channel = Files.newByteChannel(file)) {
            long from = Math.max(0, offset - LineSplitter.DISPLAY_LIMIT);
            channel.position(from);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (offset - from));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // fill
            }
            byte[] before = buffer.array();
            for (int i = before.length - 1; i >= 0; i--) {
                if (before[i] == '\n') {
                    return from + i + 1;
                }
            }
            return from;
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

    /** Labels that tie a container to this build and project. */
    public static Map<String, String> labels(String runId, String project, String commit, BuildIdentity build) {
        return Map.of(
                ContainerLabels.RUN_ID, runId,
                ContainerLabels.PROJECT, project,
                ContainerLabels.GIT_COMMIT, commit == null ? "none" : commit,
                ContainerLabels.BUILD_HOST, build.host(),
                ContainerLabels.BUILD_PID, String.valueOf(build.pid()),
                ContainerLabels.BUILD_STARTED, String.valueOf(build.startedMillis()));
    }
}

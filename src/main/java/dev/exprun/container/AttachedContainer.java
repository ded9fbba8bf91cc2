package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.exprun.core.ExpError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one container with the build's own input and output attached, as {@code docker run -i} (and {@code -t} with a
 * terminal) does: an interactive session, not a batch run, so no log file and no line splitting; bytes go through as
 * they come. The container never outlives the call; a shutdown (Ctrl-C, SIGTERM) stops and removes it through the guard.
 */
public final class AttachedContainer {
    /** The start of the output kept for the caller (the GPU check's report, a session's own markers). */
    static final int HEAD_BYTES = 64 * 1024;
    private static final long ATTACH_TIMEOUT_MILLIS = 60_000;
    private static final long OUTPUT_DRAIN_MILLIS = 5_000;

    private final EngineConnection engine;

    public AttachedContainer(EngineConnection engine) {
        this.engine = engine;
    }

    /**
     * What the container reads and writes. in: null for no input at all (a server); tty: a terminal is allocated (then
     * stderr comes on out, as in any terminal); rows and columns: its size (0: the engine's default).
     */
    public record Io(InputStream in, OutputStream out, OutputStream err, boolean tty, int rows, int columns) {
    }

    /** A port of the container published on the host: hostIp:hostPort to containerPort/tcp. */
    public record Published(int containerPort, String hostIp, int hostPort) {
    }

    /** How it ended: exit code (null when the engine could not say), whether a shutdown stopped it, the start of its output. */
    public record Ended(Integer exitCode, boolean interrupted, String head) {
    }

    /** whenStarted hears the container's id once it runs (a notebook waits for its server there, on a thread of its own). */
    public Ended run(ContainerSpec spec, Io io, List<Published> ports, ShutdownGuard guard, Consumer<String> whenStarted) {
        DockerClient client = engine.client();
        String id = create(spec, io, ports);
        guard.containerCreated(id);
        try {
            if (guard.interrupted()) {
                return new Ended(null, true, "");
            }
            // Input is held back until the container runs: an engine may drop what comes before (Podman does).
            CountDownLatch running = new CountDownLatch(1);
            Output output = attach(id, io, running);
            try {
                client.startContainerCmd(id).exec();
            } catch (DockerException e) {
                if (guard.interrupted()) {
                    return new Ended(null, true, "");
                }
                throw new ExpError("The engine could not start the container for image " + spec.imageId() + ": "
                        + EngineConnection.rootMessage(e), ports.isEmpty() ? "check the command, user and mounts in the plugin configuration"
                        : portHint(ports) + ", and the command, user and mounts in the plugin configuration", e);
            }
            running.countDown();
            if (io.tty() && io.rows() > 0 && io.columns() > 0) {
                resizeQuietly(client, id, io);
            }
            whenStarted.accept(id);
            Integer exitCode = waitFor(id);
            output.awaitEnd(OUTPUT_DRAIN_MILLIS);
            return new Ended(exitCode, guard.interrupted(), output.head());
        } finally {
            ContainerRunner.removeQuietly(client, id);
        }
    }

    private String create(ContainerSpec spec, Io io, List<Published> ports) {
        CreateContainerCmd cmd = ContainerRunner.createCommand(engine.client(), spec)
                .withTty(io.tty())
                .withAttachStdout(true)
                .withAttachStderr(true);
        if (io.in() != null) {
            // StdinOnce: the end of our input is the end of the container's (a piped script ends the shell).
            cmd = cmd.withStdinOpen(true).withStdInOnce(true).withAttachStdin(true);
        }
        if (!ports.isEmpty()) {
            Ports bindings = new Ports();
            for (Published p : ports) {
                bindings.bind(ExposedPort.tcp(p.containerPort()), Ports.Binding.bindIpAndPort(p.hostIp(), p.hostPort()));
            }
            cmd = cmd.withExposedPorts(ports.stream().map(p -> ExposedPort.tcp(p.containerPort())).toList());
            cmd.getHostConfig().withPortBindings(bindings);
        }
        try {
            return cmd.exec().getId();
        } catch (DockerException e) {
            throw new ExpError("The engine refused to create the container " + spec.name() + ": " + EngineConnection.rootMessage(e),
                    ports.isEmpty() ? "check <network>, <user>, <gpus> and the mounts"
                            : portHint(ports) + ", and <network>, <user>, <gpus> and the mounts", e);
        }
    }

    /** A busy port shows only when the engine binds it (Docker at start, Podman at create or start). */
    private static String portHint(List<Published> ports) {
        return "check that port " + ports.get(0).hostPort() + " on " + ports.get(0).hostIp() + " is free (set <port>, -Dexp.port, to another)";
    }

    private Output attach(String id, Io io, CountDownLatch running) {
        Output output = new Output(io);
        var attach = engine.client().attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false);
        if (io.in() != null) {
            attach = attach.withStdIn(new HeldBack(io.in(), running));
        }
        attach.exec(output);
        try {
            if (!output.attached.await(ATTACH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new ExpError("The engine did not attach to the container within " + ATTACH_TIMEOUT_MILLIS / 1000 + " s",
                        "check that the engine at " + engine.host() + " is responsive (docker info)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (output.error != null) {
            throw new ExpError("The engine refused to attach to the container: " + EngineConnection.rootMessage(output.error),
                    "check that the engine at " + engine.host() + " supports attaching (docker attach)", output.error);
        }
        return output;
    }

    private static void resizeQuietly(DockerClient client, String id, Io io) {
        try {
            client.resizeContainerCmd(id).withSize(io.rows(), io.columns()).exec();
        } catch (RuntimeException e) {
            // The engine's default size: lines wrap early, nothing worse.
        }
    }

    /** Until the container exits (however long a session lasts); after a stop the engine is asked for the code. */
    private Integer waitFor(String id) {
        WaitCallback callback = engine.client().waitContainerCmd(id).exec(new WaitCallback());
        try {
            callback.await(null);
            if (callback.statusCode() != null) {
                return callback.statusCode();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                callback.close();
            } catch (IOException e) {
                // a finished stream
            }
        }
        try {
            Long code = engine.client().inspectContainerCmd(id).exec().getState().getExitCodeLong();
            return code == null ? null : code.intValue();
        } catch (RuntimeException e) {
            return null; // gone already (the shutdown hook removed it)
        }
    }

    /** The container's output as it comes, to out and err, with its start kept. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final Io io;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final CountDownLatch attached = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Throwable error;

        Output(Io io) {
            this.io = io;
        }

        @Override
        public void onStart(java.io.Closeable stream) {
            super.onStart(stream);
            attached.countDown();
        }

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload == null || payload.length == 0) {
                return;
            }
            synchronized (head) {
                if (head.size() < HEAD_BYTES) {
                    head.write(payload, 0, Math.min(payload.length, HEAD_BYTES - head.size()));
                }
            }
            OutputStream to = frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? io.err() : io.out();
            try {
                to.write(payload);
                to.flush();
            } catch (IOException e) {
                // Our own output is gone (a closed pipe): the session goes on, unseen.
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            attached.countDown();
            ended.countDown();
        }

        @Override
        public void onComplete() {
            attached.countDown();
            ended.countDown();
        }

        void awaitEnd(long millis) {
            try {
                ended.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String head() {
            synchronized (head) {
                return head.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    /** The input, held back until the container runs. */
    private static final class HeldBack extends InputStream {
        private final InputStream in;
        private final CountDownLatch running;

        HeldBack(InputStream in, CountDownLatch running) {
            this.in = in;
            this.running = running;
        }

        @Override
        public int read() throws IOException {
            return UnixSocketHttpClient.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                running.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted before the container ran");
            }
            return in.read(b, off, len);
        }
    }
}

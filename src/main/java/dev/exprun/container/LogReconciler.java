package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.exprun.core.ExpLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Makes a run's raw log complete once its container has exited (see {@link #reconcile}). */
final class LogReconciler {
    private static final int RECONCILE_TAIL = 64;
    private static final int SETTLE_POLLS = 100;
    private static final long SETTLE_INTERVAL_MILLIS = 50;

    private final DockerClient client;
    private final ExpLog log;

    LogReconciler(DockerClient client, ExpLog log) {
        this.client = client;
        this.log = log;
    }

    /**
     * The follow stream is for the live view only: it can lose its end (docker-java #1841, moby
     * #10617) and Podman's skips lines under load (seen here: 34994..35712 of a seq 1 200000). The
     * raw log is checked against the engine's own copy, read once the engine has written all of it.
     * Whatever the live view missed is added (or, after a gap, shown again from the gap on).
     */
    void reconcile(String id, Path rawLog, LogPump pump) {
        pump.seal();
        pump.flushFile();
        Path full = rawLog.resolveSibling(rawLog.getFileName() + ".engine");
        try {
            settledTail(id);
            boolean complete;
            try (OutputStream out = Files.newOutputStream(full)) {
                complete = readLogs(id, -1, out);
            }
            long have = Files.size(rawLog);
            long same = commonPrefix(rawLog, full);
            long engineSize = Files.size(full);
            if (!complete || engineSize < have) {
                // A cut read, or an engine that rotated its copy: ours is the longer record, keep it.
                log.warn("The engine's copy of the log (" + engineSize + " bytes" + (complete ? "" : ", read cut short")
                        + ") is shorter than the streamed one (" + have + " bytes); keeping the streamed log");
            } else if (same == have && engineSize > have) {
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

    /** True when the engine sent the whole answer within the time allowed. */
    private boolean readLogs(String id, int tail, OutputStream out) {
        var cmd = client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false);
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
            return cmd.exec(collect).awaitCompletion(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
}

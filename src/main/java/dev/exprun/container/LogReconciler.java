package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
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
    private final boolean logDoneAtExit;

    /**
     * logDoneAtExit: the engine has written the whole log when it reports the container exited, as
     * Docker does (its log copier is waited for before the state changes); Podman's conmon may still be
     * writing, so its tail is read until it stops moving.
     */
    LogReconciler(DockerClient client, ExpLog log, boolean logDoneAtExit) {
        this.client = client;
        this.log = log;
        this.logDoneAtExit = logDoneAtExit;
    }

    /**
     * The live stream is an attach made before the container started: the engine holds the
     * container's output until it is read, so it loses nothing in between, but its end can be cut
     * (docker-java #1841, moby #10617). So the raw log's end is compared with the engine's own copy
     * (its last lines, stdout and stderr each), read once the engine has written all of it. Only
     * when that differs, or the stream broke, is the engine's whole copy read: Podman serves it at
     * about 7 MB/s, slower than the run itself for chatty jobs. Whatever the live view missed is
     * added (or, after a gap, shown again from the gap on).
     */
    void reconcile(String id, Path rawLog, LogPump pump) {
        boolean clean = pump.endedCleanly();
        pump.seal();
        pump.flushFile();
        Path full = rawLog.resolveSibling(rawLog.getFileName() + ".engine");
        try {
            EngineTail tail = logDoneAtExit ? readTail(id) : settledTail(id);
            if (clean && endsWith(pump.outTail(), tail.out()) && endsWith(pump.errTail(), tail.err())) {
                return;
            }
            log.debug("Checking the whole log against the engine's copy: the live stream "
                    + (clean ? "ends differently from the engine's last " + RECONCILE_TAIL + " lines" : "did not end cleanly"));
            boolean complete;
            try (OutputStream out = Files.newOutputStream(full)) {
                complete = readLogs(id, -1, (stderr, data) -> out.write(data));
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
                log.warn("The live log differs from the engine's copy after byte " + same + " of " + engineSize
                        + "; the rest of the log follows again, from the engine's copy");
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
     * Podman 4.3 returns the tail of a log whose lines conmon split into partial records with some
     * line breaks moved (seen here: "…199947 …199948 …\n…\n"), while its whole copy is right. So
     * the end is compared without line breaks: the bytes still have to be the same, in order.
     */
    static boolean endsWith(ByteTail streamed, byte[] engineTail) {
        byte[] ours = withoutLineBreaks(streamed.bytes());
        byte[] theirs = withoutLineBreaks(engineTail);
        if (theirs.length > ours.length) {
            // A tail longer than what we keep: compare what we keep, if the stream was that long.
            return streamed.full() && Arrays.equals(ours, 0, ours.length, theirs, theirs.length - ours.length, theirs.length);
        }
        return Arrays.equals(ours, ours.length - theirs.length, ours.length, theirs, 0, theirs.length);
    }

    private static byte[] withoutLineBreaks(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (byte b : bytes) {
            if (b != '\n') {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** The engine's last lines, per stream. */
    private record EngineTail(byte[] out, byte[] err) {
        boolean same(EngineTail other) {
            return Arrays.equals(out, other.out) && Arrays.equals(err, other.err);
        }
    }

    /**
     * Podman reports a container as exited before conmon has written all its output to the log
     * file. Wait until the end of the engine's log stops moving.
     */
    private EngineTail settledTail(String id) throws IOException {
        EngineTail previous = readTail(id);
        for (int i = 0; i < SETTLE_POLLS; i++) {
            try {
                Thread.sleep(SETTLE_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return previous;
            }
            EngineTail now = readTail(id);
            if (now.same(previous)) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    private EngineTail readTail(String id) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        if (!readLogs(id, RECONCILE_TAIL, (stderr, data) -> (stderr ? err : out).write(data))) {
            throw new IOException("the engine did not send the end of its log in time");
        }
        return new EngineTail(out.toByteArray(), err.toByteArray());
    }

    private interface FrameWriter {
        void write(boolean stderr, byte[] data) throws IOException;
    }

    /** True when the engine sent the whole answer within the time allowed. */
    private boolean readLogs(String id, int tail, FrameWriter out) {
        var cmd = client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false);
        if (tail >= 0) {
            cmd = cmd.withTail(tail);
        }
        QuietCallback<Frame> collect = new QuietCallback<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    out.write(frame.getStreamType() == StreamType.STDERR, frame.getPayload());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            return cmd.exec(collect).awaitCompletion(60, TimeUnit.SECONDS) && collect.error() == null;
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

package dev.exprun.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Streams the container's output: raw bytes to the run's log file exactly as received (binary
 * safe), lines to the build log, and the last lines kept for failure messages.
 */
final class LogPump extends ResultCallback.Adapter<Frame> {
    private final OutputStream raw;
    private final LogLineSink sink;
    private final LineSplitter out;
    private final LineSplitter err;
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile long bytes;
    private boolean finished;
    private volatile long lastFrameNanos = System.nanoTime();

    LogPump(Path rawLog, LogLineSink sink, int tailSize) {
        LogLineSink keeping = (stderr, text) -> {
            synchronized (tail) {
                tail.addLast(text);
                if (tail.size() > tailSize) {
                    tail.removeFirst();
                }
            }
            sink.line(stderr, text);
        };
        this.sink = keeping;
        this.out = new LineSplitter(false, keeping);
        this.err = new LineSplitter(true, keeping);
        try {
            this.raw = new BufferedOutputStream(Files.newOutputStream(rawLog), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onNext(Frame frame) {
        byte[] payload = frame.getPayload();
        if (payload == null || payload.length == 0) {
            return;
        }
        accept(frame.getStreamType() == StreamType.STDERR, payload, 0, payload.length);
    }

    /** Also used to replay bytes the stream missed, found when reconciling after exit. */
    synchronized void accept(boolean stderr, byte[] data, int offset, int length) {
        lastFrameNanos = System.nanoTime();
        try {
            raw.write(data, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes += length;
        (stderr ? err : out).feed(data, offset, length);
    }

    /** The line sink that also keeps the tail, for replaying lines. */
    LogLineSink sink() {
        return sink;
    }

    long bytes() {
        return bytes;
    }

    long nanosSinceLastFrame() {
        return System.nanoTime() - lastFrameNanos;
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Flushes partial last lines and closes the file; call once the stream is over. Idempotent. */
    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        out.flush();
        err.flush();
        try {
            raw.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void flushFile() {
        try {
            raw.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

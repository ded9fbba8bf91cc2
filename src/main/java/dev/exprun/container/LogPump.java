package dev.exprun.container;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Streams the container's output: raw bytes to the run's log file exactly as received (binary
 * safe), lines to the build log, and the last lines kept for failure messages.
 */
final class LogPump extends QuietCallback<Frame> {
    /** Kept per stream for the end check: more than the engine's 64-line tail of usual lines. */
    static final int TAIL_BYTES = 64 * 1024;
    /** stderr's own last lines, for failure messages: a traceback is rarely longer. */
    static final int ERROR_TAIL_LINES = 20;
    private final OutputStream raw;
    private final LogLineSink sink;
    private final LineSplitter out;
    private final LineSplitter err;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Deque<String> errorTail = new ArrayDeque<>();
    private volatile long bytes;
    private boolean finished;
    /** Set once the live stream is over: frames still in flight must not reach the file twice. */
    private volatile boolean streamOver;
    /** Our own end signal: docker-java's timed awaitCompletion closes the stream when it times out. */
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch attached = new CountDownLatch(1);
    /** Per stream, because the engine's copy may interleave stdout and stderr differently. */
    private final ByteTail outTail = new ByteTail(TAIL_BYTES);
    private final ByteTail errTail = new ByteTail(TAIL_BYTES);
    private volatile long lastFrameNanos = System.nanoTime();

    LogPump(Path rawLog, LogLineSink sink, int tailSize) {
        LogLineSink keeping = (stderr, text) -> {
            synchronized (tail) {
                keep(tail, text, tailSize);
                if (stderr) {
                    keep(errorTail, text, ERROR_TAIL_LINES);
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
        if (streamOver || payload == null || payload.length == 0) {
            return;
        }
        accept(frame.getStreamType() == StreamType.STDERR, payload, 0, payload.length);
    }

    @Override
    public void onStart(java.io.Closeable stream) {
        super.onStart(stream);
        attached.countDown();
    }

    @Override
    public void onComplete() {
        ended.countDown();
        super.onComplete();
    }

    @Override
    public void onError(Throwable throwable) {
        super.onError(throwable); // keeps it as error() before anyone waiting is woken
        ended.countDown();
        attached.countDown();
    }

    /**
     * Waits until the engine holds the stream open (so no output can be missed once the container
     * starts) or the stream failed (see {@link #error()}); false on timeout.
     */
    boolean awaitAttached(long millis) throws InterruptedException {
        return attached.await(millis, TimeUnit.MILLISECONDS);
    }

    /** True when the engine closed the live stream at its end, not by an error or by us. */
    boolean endedCleanly() {
        return ended.getCount() == 0 && error() == null;
    }

    ByteTail outTail() {
        return outTail;
    }

    ByteTail errTail() {
        return errTail;
    }

    /** True once the engine ended the live stream (normally or not); never closes it. */
    boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Ends the live stream for good: later frames are dropped, only replays are written. */
    void seal() {
        streamOver = true;
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // The stream is over either way.
        }
    }

    /** Writes bytes to the file and the display; also used to add what the live stream missed. */
    synchronized void accept(boolean stderr, byte[] data, int offset, int length) {
        lastFrameNanos = System.nanoTime();
        try {
            raw.write(data, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes += length;
        (stderr ? errTail : outTail).add(data, offset, length);
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

    private static void keep(Deque<String> lines, String line, int size) {
        lines.addLast(line);
        if (lines.size() > size) {
            lines.removeFirst();
        }
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** The last lines seen on stderr alone. */
    List<String> errorTail() {
        synchronized (tail) {
            return List.copyOf(errorTail);
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

package dev.exprun.slurm;

import dev.exprun.container.LineSplitter;
import dev.exprun.container.LogLineSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Follows a job's output file (on the shared storage) as it grows and hands each complete line to the
 * sink, the last one too, also when it has no line break. It reads files, not Slurm: a quick local check
 * every {@value #READ_MILLIS} ms. When the job's exit file appears, it says so (the poller then asks Slurm at once).
 */
final class LogFollower implements AutoCloseable {
    static final int READ_MILLIS = 200;
    private static final int TAIL_LINES = 30;
    /** After the job ended: the file counts as complete once it has not grown for this long (shared storage lags). */
    private static final long SETTLE_MILLIS = 1_000;
    private static final long SETTLE_LIMIT_MILLIS = 30_000;

    private final Path file;
    private final Path exitFile;
    private final Runnable exitSeen;
    private final LineSplitter splitter;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long offset;
    private long lines;
    private volatile boolean stopping;
    private boolean exitReported;

    LogFollower(Path file, Path exitFile, LogLineSink sink, Runnable exitSeen) {
        this.file = file;
        this.exitFile = exitFile;
        this.exitSeen = exitSeen;
        this.splitter = new LineSplitter(false, (stderr, text) -> {
            lines++;
            synchronized (tail) {
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(text);
            }
            sink.line(stderr, text);
        });
        this.thread = new Thread(this::follow, "exprun-slurm-log");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void follow() {
        while (!stopping) {
            readAvailable();
            if (!exitReported && Files.exists(exitFile)) {
                exitReported = true;
                exitSeen.run();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(READ_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The job has ended: reads what is left until the file stops growing, then the last line without a break. */
    void finish() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long start = System.currentTimeMillis();
        long lastGrowth = start;
        while (System.currentTimeMillis() - lastGrowth < SETTLE_MILLIS && System.currentTimeMillis() - start < SETTLE_LIMIT_MILLIS) {
            if (readAvailable() > 0) {
                lastGrowth = System.currentTimeMillis();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        splitter.flush();
    }

    /** Lines handed on so far. */
    long lines() {
        return lines;
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    private long readAvailable() {
        long read = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < offset) {
                offset = 0; // truncated (a requeued job that opened it anew): read it from the start
            }
            channel.position(offset);
            int n;
            while ((n = channel.read(buffer.clear())) > 0) {
                splitter.feed(buffer.array(), 0, n);
                offset += n;
                read += n;
            }
        } catch (NoSuchFileException e) {
            // not written yet: the job has not started
        } catch (IOException e) {
            // a shared file system's hiccup: the next read tries again
        }
        return read;
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
    }
}

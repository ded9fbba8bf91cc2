package dev.exprun.cache;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One key trained at a time per project: a build that finds another training the same key waits for it and then
 * finds its run in the cache, instead of training the same thing twice. A lock file per key under
 * {@code target/exp/cache/} (never deleted: see LockFiles in the lease package for why) and, since the JDK's file
 * locks are per process, a semaphore per key for the threads of one build (a sweep's trials).
 */
public final class KeyLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path file;
    private final Semaphore local;
    private final FileChannel channel;

    private KeyLock(Path file, Semaphore local, FileChannel channel) {
        this.file = file;
        this.local = local;
        this.channel = channel;
    }

    /** Waits until no other build or thread trains this key; holder: who this is, for whoever waits next. */
    public static KeyLock acquire(Path dir, String key, String holder, ExpLog log) throws InterruptedException {
        Path file = dir.resolve(key + ".lock").toAbsolutePath();
        Semaphore local = IN_THIS_JVM.computeIfAbsent(file, f -> new Semaphore(1));
        if (!local.tryAcquire()) {
            log.info("Cache: another run of this build trains the same key " + key.substring(0, 12) + "…; waiting for it");
            local.acquire();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                log.info("Cache: " + describe(channel) + " trains the same key " + key.substring(0, 12) + "…; waiting for it");
                channel.lock();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            return new KeyLock(file, local, channel);
        } catch (IOException e) {
            close(channel);
            local.release();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the cache key's lock " + file);
            }
            throw new ExpError("Cannot lock the run cache's key file " + file + ": " + e, "check that the build directory is writable "
                    + "and on a file system with file locks, or run with -Dexp.cache=off", e);
        } catch (RuntimeException e) {
            close(channel);
            local.release();
            throw e;
        }
    }

    private static String describe(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            int n = channel.read(buffer, 0);
            String holder = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.UTF_8).strip();
            return holder.isEmpty() ? "another build" : holder;
        } catch (IOException e) {
            return "another build";
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing drops the lock either way
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
        } catch (IOException e) {
            // the next holder overwrites it
        }
        close(channel); // releases the file lock
        local.release();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

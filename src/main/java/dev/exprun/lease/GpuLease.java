package dev.exprun.lease;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * GPUs leased together by one trial or run, until {@link #close()}. If the build dies instead, the
 * operating system drops its file locks and the devices are free for the next build.
 */
public final class GpuLease implements AutoCloseable {
    /** One device's lock: the channel stays open while the lease lasts, closing it would drop the lock. */
    record DeviceLock(String device, Path file, FileChannel channel, FileLock lock) {
    }

    private final List<DeviceLock> locks;
    private final List<String> devices;
    private final Duration waited;
    private final Instant acquiredAt;
    private boolean closed;

    GpuLease(List<DeviceLock> locks, Duration waited, Instant acquiredAt) {
        this.locks = List.copyOf(locks);
        this.devices = this.locks.stream().map(DeviceLock::device).toList();
        this.waited = waited;
        this.acquiredAt = acquiredAt;
    }

    /** The leased device ids, in the order of the pool they were taken from. */
    public List<String> devices() {
        return devices;
    }

    /** How long the lease was waited for; zero when the devices were free at once. */
    public Duration waited() {
        return waited;
    }

    public Instant acquiredAt() {
        return acquiredAt;
    }

    /** True until closed, and only while every lock is still valid. */
    public boolean held() {
        synchronized (this) {
            if (closed) {
                return false;
            }
        }
        return locks.stream().allMatch(l -> l.lock().isValid());
    }

    /** Releases every device and wakes the waiters of this JVM; a second call does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        GpuLeases.release(locks);
    }

    @Override
    public String toString() {
        return "GpuLease" + devices;
    }
}

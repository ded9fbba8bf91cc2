package dev.exprun.lease;

import dev.exprun.container.BuildIdentity;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.lease.GpuLease.DeviceLock;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * GPU leases of one build, shared by its trial threads: two builds on one machine (two linked worktrees,
 * two projects) never get the same device. Each device is a file {@code gpu-<id>.lock} in one directory
 * per engine and machine, leased by an OS file lock; a build that dies loses its locks with its process.
 */
public final class GpuLeases {
    public static final String DIR_ENV = "EXPRUN_LEASE_DIR";
    private static final String FIX_WAIT = "Set <gpuWait> (-Dexp.gpuWait) to a longer duration such as 2h, or to forever;"
            + " or wait for the builds that hold them.";
    private static final String FIX_DIR = "Make it a writable directory, or set " + DIR_ENV + " to one.";
    private static final long REPORT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long POLL_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long POLL_SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /*
     * JVM-wide, whatever the number of GpuLeases objects: the JDK refuses a second lock on a file this JVM
     * already locks (OverlappingFileLockException), so this JVM's own leases are tracked here, and its
     * releases wake its waiters at once through RELEASED. The lock is fair: woken waiters take the freed
     * devices before a thread that asks later (a trial thread that just released and starts its next trial).
     * Every LockFiles call runs with JVM held.
     */
    private static final ReentrantLock JVM = new ReentrantLock(true);
    private static final Condition RELEASED = JVM.newCondition();
    private static final Map<Path, LeaseHolder> HELD = new HashMap<>();

    private final Path directory;
    private final LeaseHolder self;
    private final ExpLog log;

    public GpuLeases(Path directory, LeaseHolder self, ExpLog log) {
        this.directory = prepare(directory);
        this.self = Objects.requireNonNull(self, "self");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The lease directory of an engine on this machine: {@code ~/.exprun/leases/<key>}, or
     * {@code $EXPRUN_LEASE_DIR/<key>}. The key reads like the engine ("podman-podman.sock-3f2a9c1d0b4e"); its
     * hash also covers this machine's name when the engine is a local socket, since a home directory on a
     * network file system is shared by machines whose GPUs are not.
     */
    public static Path directory(Map<String, String> env, String engineHost) {
        String override = env.get(DIR_ENV);
        Path base;
        if (override != null && !override.isBlank()) {
            base = Path.of(override);
        } else {
            String home = env.get("HOME");
            if (home == null || home.isBlank()) {
                home = System.getProperty("user.home");
            }
            base = Path.of(home, ".exprun", "leases");
        }
        return base.resolve(key(engineHost, BuildIdentity.current().host()));
    }

    static String key(String engineHost, String machine) {
        Objects.requireNonNull(engineHost, "engineHost");
        boolean local = engineHost.startsWith("unix://") || engineHost.startsWith("npipe://") || engineHost.startsWith("/");
        String identity = local ? machine + " " + engineHost : engineHost;
        return readableTail(engineHost) + "-" + sha256(identity).substring(0, 12);
    }

    private static String readableTail(String engineHost) {
        String rest = engineHost.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "");
        List<String> parts = new ArrayList<>();
        for (String p : rest.split("[/\\\\]")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        String tail = String.join("-", parts.subList(Math.max(0, parts.size() - 2), parts.size()))
                .replaceAll("[^A-Za-z0-9._-]", "_");
        if (tail.length() > 40) {
            tail = tail.substring(tail.length() - 40);
        }
        return tail.isEmpty() || tail.matches("\\.+") ? "engine" : tail;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }

    private static Path prepare(Path directory) {
        try {
            Files.createDirectories(directory);
            Path real = directory.toRealPath();
            if (!Files.isWritable(real)) {
                throw new ExpError("The GPU lease directory " + real + " is not writable", FIX_DIR);
            }
            return real;
        } catch (IOException e) {
            throw new ExpError("Cannot create the GPU lease directory " + directory + ": " + e, FIX_DIR, e);
        }
    }

    /**
     * Leases {@code count} devices of {@code pool}, the lowest in pool order that are free, all together: it never
     * holds some while waiting for the rest, so builds waiting for each other cannot deadlock.
     *
     * @param maxWait null waits for ever; zero fails at once when they are not free
     * @param purpose what the lease is for, as the logs and other builds' messages show it ("trial t03")
     */
    public GpuLease acquire(List<String> pool, int count, Duration maxWait, String purpose) throws InterruptedException {
        checkPool(pool, purpose);
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        if (count > pool.size()) {
            throw new ExpError("GPU lease: " + purpose + " asks for " + count + " GPUs, but the pool has only " + pool.size()
                    + " (" + String.join(",", pool) + ")", "Ask for at most " + pool.size() + " GPUs, or add devices to the pool.");
        }
        return lease(pool, count, count + " of GPUs " + String.join(",", pool), maxWait, purpose);
    }

    /** Leases exactly these devices, all of them together; otherwise as {@link #acquire}. */
    public GpuLease acquireExactly(List<String> devices, Duration maxWait, String purpose) throws InterruptedException {
        checkPool(devices, purpose);
        return lease(devices, devices.size(), gpus(devices), maxWait, purpose);
    }

    private static void checkPool(List<String> pool, String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (pool.isEmpty()) {
            throw new ExpError("GPU lease: " + purpose + " has no GPUs to lease from", "Name at least one GPU.");
        }
        Set<String> seen = new HashSet<>();
        for (String device : pool) {
            if (device == null || device.isBlank()) {
                throw new ExpError("GPU lease: " + purpose + " has a blank GPU id in " + pool, "Remove the blank id.");
            }
            if (!seen.add(device)) {
                throw new ExpError("GPU lease: " + purpose + " lists GPU " + device + " twice in " + pool, "List each GPU once.");
            }
        }
    }

    private GpuLease lease(List<String> pool, int count, String what, Duration maxWait, String purpose) throws InterruptedException {
        if (maxWait != null && maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
        }
        long start = System.nanoTime();
        long limit = maxWait == null ? Long.MAX_VALUE : saturatedNanos(maxWait);
        long nextReport = start;
        boolean waited = false;
        boolean first = true;
        while (true) {
            Attempt attempt;
            String holders = null;
            boolean expired = false;
            JVM.lock();
            try {
                attempt = take(pool, count, purpose, first, start);
                first = false;
                if (attempt.lease() == null) {
                    long now = System.nanoTime();
                    expired = now - start >= limit;
                    if (expired || now - nextReport >= 0) {
                        holders = describe(attempt.busy());
                    } else {
                        pause(Math.min(limit - (now - start), nextReport - now));
                    }
                }
            } finally {
                JVM.unlock();
            }
            if (attempt.lease() != null) {
                if (waited) {
                    GpuLease lease = attempt.lease();
                    log.info("GPU lease: " + purpose + " got " + gpus(lease.devices()) + " after " + seconds(lease.waited().toNanos()));
                }
                return attempt.lease();
            }
            if (expired) {
                throw timeout(what, maxWait, purpose, holders, System.nanoTime() - start);
            }
            if (holders != null) {
                log.info("GPU lease: " + purpose + (waited ? " still waits for " + what + " after " + seconds(System.nanoTime() - start)
                        : " waits for " + what) + ": " + holders);
                waited = true;
                nextReport = System.nanoTime() + REPORT_EVERY_NANOS;
            }
        }
    }

    /**
     * Waits for a release, at most maxNanos; runs with JVM held. Releases in this JVM signal RELEASED. Another
     * process's release cannot be awaited: file locks send no notice, and a blocking lock() would hold one device
     * while waiting for the next (and cannot wait for "any 1 of 4"). So the locks are tried again at a bounded
     * rate, a few times a second; the spread keeps two builds that want the same pair from colliding in step.
     */
    private static void pause(long maxNanos) throws InterruptedException {
        long poll = POLL_MIN_NANOS + ThreadLocalRandom.current().nextLong(POLL_SPREAD_NANOS);
        RELEASED.awaitNanos(Math.min(poll, maxNanos));
    }

    private static ExpError timeout(String what, Duration maxWait, String purpose, String holders, long waitedNanos) {
        if (maxWait.isZero()) {
            return new ExpError("GPU lease: " + purpose + " cannot get " + what + " at once (gpuWait=fail): " + holders, FIX_WAIT);
        }
        return new ExpError("GPU lease: " + purpose + " gave up waiting for " + what + " after " + seconds(waitedNanos)
                + " (gpuWait=" + maxWait.toString().substring(2).toLowerCase(Locale.ROOT) + "): " + holders, FIX_WAIT);
    }

    /** A lease, or the devices found busy. */
    private record Attempt(GpuLease lease, List<String> busy) {
    }

    /** Takes count devices of pool or none; a lease taken at the first try has waited zero. Runs with JVM held. */
    private Attempt take(List<String> pool, int count, String purpose, boolean first, long start) {
        List<DeviceLock> taken = new ArrayList<>();
        List<String> busy = new ArrayList<>();
        boolean done = false;
        try {
            for (String device : pool) {
                if (taken.size() == count) {
                    break;
                }
                Path file = directory.resolve(LockFiles.name(device));
                DeviceLock lock = HELD.containsKey(file) ? null : LockFiles.tryLock(device, file);
                if (lock == null) {
                    busy.add(device);
                } else {
                    taken.add(lock);
                }
            }
            if (taken.size() < count) {
                return new Attempt(null, busy);
            }
            Instant now = Instant.now();
            LeaseHolder holder = self.forLease(purpose, now);
            byte[] info = (RecordJson.compact(holder) + "\n").getBytes(StandardCharsets.UTF_8);
            for (DeviceLock lock : taken) {
                LockFiles.write(lock, info);
            }
            for (DeviceLock lock : taken) {
                HELD.put(lock.file(), holder);
            }
            done = true;
            Duration waited = first ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
            return new Attempt(new GpuLease(taken, waited, now), List.of());
        } finally {
            if (!done) {
                for (DeviceLock lock : taken) {
                    LockFiles.unlock(lock);
                }
            }
        }
    }

    /** Ends a lease: holder info gone first, so no waiter reads it for a free device; then the locks; then wakes waiters. */
    static void release(List<DeviceLock> locks) {
        JVM.lock();
        try {
            for (DeviceLock lock : locks) {
                LockFiles.clear(lock);
                LockFiles.unlock(lock);
                HELD.remove(lock.file());
            }
            RELEASED.signalAll();
        } finally {
            JVM.unlock();
        }
    }

    /** "0,1 leased by pid 4242 (g:a, /wt-b, trial t01) since 2026-11-30T15:20:01Z, 2 leased by ..."; runs with JVM held. */
    private String describe(List<String> busy) {
        Map<String, List<String>> byHolder = new LinkedHashMap<>();
        for (String device : busy) {
            Path file = directory.resolve(LockFiles.name(device));
            LeaseHolder holder = HELD.containsKey(file) ? HELD.get(file) : LockFiles.readHolder(file);
            String who = holder == null ? "a build that has not written its name yet" : holder.describe(self.host());
            byHolder.computeIfAbsent(who, k -> new ArrayList<>()).add(device);
        }
        if (byHolder.isEmpty()) {
            return "they were released just now";
        }
        List<String> parts = new ArrayList<>();
        byHolder.forEach((who, devices) -> parts.add(String.join(",", devices) + " leased by " + who));
        return String.join(", ", parts);
    }

    private static String gpus(List<String> devices) {
        return (devices.size() == 1 ? "GPU " : "GPUs ") + String.join(",", devices);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}

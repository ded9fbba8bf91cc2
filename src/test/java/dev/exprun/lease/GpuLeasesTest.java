package dev.exprun.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RecordJson;
import dev.exprun.testing.CapturingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPU leases of the threads of one JVM; GpuLeasesProcessTest has two JVMs. */
class GpuLeasesTest {
    private static final List<String> POOL = List.of("0", "1", "2", "3");
    private static final long BOUND_S = 60;
    private static final String FIX = "Set <gpuWait> (-Dexp.gpuWait) to a longer duration such as 2h, or to forever;"
            + " or wait for the builds that hold them.";
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path tmp;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private GpuLeases leases(String project, String workTree, ExpLog log) {
        return new GpuLeases(tmp.resolve("leases"), LeaseHolder.current(project, workTree), log);
    }

    private GpuLeases buildA() {
        return leases("dev.exprun.it:sweep-a", "/tmp/x/wt-b", ExpLog.NONE);
    }

    /** "0 leased by pid <this JVM> (dev.exprun.it:sweep-a, /tmp/x/wt-b, <purpose>) since <second>" as a regex. */
    private static String heldByA(String devices, String purpose) {
        return devices.replace(".", "\\.") + " leased by pid " + PID + " \\(dev\\.exprun\\.it:sweep-a, /tmp/x/wt-b, " + purpose
                + "\\) since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
    }

    @Test
    void threadsNeverShareADeviceEvenThroughTwoLeasesObjects() throws Exception {
        // The second object names the same directory another way: the JVM-wide bookkeeping still sees one set of files.
        List<GpuLeases> objects = List.of(buildA(), new GpuLeases(tmp.resolve("leases/../leases"),
                LeaseHolder.current("dev.exprun.it:sweep-a", "/tmp/x/wt-b"), ExpLog.NONE));
        AtomicIntegerArray users = new AtomicIntegerArray(POOL.size());
        AtomicIntegerArray uses = new AtomicIntegerArray(POOL.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            GpuLeases leases = objects.get(t % 2);
            String thread = "t" + t;
            done.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < 40; i++) {
                    try (GpuLease lease = leases.acquire(POOL, 1, null, "trial " + thread + "-" + i)) {
                        int device = Integer.parseInt(lease.devices().get(0));
                        assertEquals(1, users.incrementAndGet(device), () -> "GPU " + device + " shared");
                        uses.incrementAndGet(device);
                        assertTrue(lease.held());
                        users.decrementAndGet(device);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(BOUND_S, TimeUnit.SECONDS);
        }
        int total = 0;
        for (int d = 0; d < POOL.size(); d++) {
            total += uses.get(d);
        }
        assertEquals(8 * 40, total);
    }

    @Test
    void prefersTheLowestFreeDevicesInPoolOrder() throws Exception {
        GpuLeases leases = buildA();
        try (GpuLease one = leases.acquireExactly(List.of("1"), Duration.ZERO, "trial t01");
                GpuLease two = leases.acquire(List.of("0", "1", "2", "3"), 2, Duration.ZERO, "trial t02");
                GpuLease last = leases.acquire(List.of("3", "2", "1", "0"), 1, Duration.ZERO, "trial t03")) {
            assertEquals(List.of("0", "2"), two.devices());
            assertEquals(List.of("3"), last.devices());
            assertEquals(Duration.ZERO, two.waited(), "free at once: no wait");
        }
    }

    @Test
    void aPairIsLeasedAllOrNothingAndNothingIsHeldWhileWaiting() throws Exception {
        GpuLeases a = buildA();
        WaitingLog log = new WaitingLog();
        GpuLeases b = leases("dev.exprun.it:sweep-b", "/tmp/x/wt-a", log);
        GpuLease one = a.acquireExactly(List.of("1"), Duration.ZERO, "trial t01");
        Future<GpuLease> pair = threads.submit(() -> b.acquire(List.of("0", "1"), 2, null, "trial t02"));
        String waits = log.await("waits for");
        assertTrue(waits.matches("INFO GPU lease: trial t02 waits for 2 of GPUs 0,1: " + heldByA("1", "trial t01")), waits);

        GpuLease zero = a.acquireExactly(List.of("0"), Duration.ZERO, "trial t03");
        assertEquals(List.of("0"), zero.devices(), "the waiting pair holds no part of itself");
        one.close();
        zero.close();

        try (GpuLease both = pair.get(BOUND_S, TimeUnit.SECONDS)) {
            assertEquals(List.of("0", "1"), both.devices());
            assertNotEquals(Duration.ZERO, both.waited());
        }
        assertTrue(log.lines().get(log.lines().size() - 1).startsWith("INFO GPU lease: trial t02 got GPUs 0,1 after "),
                log.lines()::toString);
    }

    @Test
    void acquireExactlyLeasesTheGivenDevicesAndWritesWhoHoldsThem() throws Exception {
        GpuLeases leases = buildA();
        GpuLease lease = leases.acquireExactly(List.of("2", "nvidia.com/gpu=0"), Duration.ZERO, "run 20261130-152001-ab12");
        assertEquals(List.of("2", "nvidia.com/gpu=0"), lease.devices());
        assertTrue(lease.held());
        Path file = tmp.resolve("leases/gpu-nvidia.com_2fgpu_3d0.lock");
        // Reading through a second descriptor drops this process's OS lock (POSIX locks); harmless here, where every
        // other build is a thread of this JVM, and the reason GpuLeases reads only through its own channel.
        String info = Files.readString(file);
        assertTrue(info.endsWith("}\n") && info.indexOf('\n') == info.length() - 1, "one JSON line: " + info);
        LeaseHolder holder = RecordJson.MAPPER.readValue(info, LeaseHolder.class);
        assertEquals(new LeaseHolder(PID, LeaseHolder.current("x", "y").host(), "dev.exprun.it:sweep-a", "/tmp/x/wt-b",
                "run 20261130-152001-ab12", lease.acquiredAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()), holder);
        assertEquals(info, Files.readString(tmp.resolve("leases/gpu-2.lock")));

        lease.close();
        lease.close();
        assertFalse(lease.held());
        assertEquals("", Files.readString(file), "released: the holder's name is gone, the file stays");
        try (GpuLease again = leases.acquireExactly(List.of("nvidia.com/gpu=0", "2"), Duration.ZERO, "run 2")) {
            assertEquals(List.of("nvidia.com/gpu=0", "2"), again.devices());
        }
    }

    @Test
    void whatAKilledHolderLeftInTheFileIsOverwritten() throws Exception {
        Files.createDirectories(tmp.resolve("leases"));
        Files.writeString(tmp.resolve("leases/gpu-0.lock"), "{\"pid\":1,\"project\":\"gone\",\"purpose\":\"trial t09\"}\n");
        try (GpuLease lease = buildA().acquireExactly(List.of("0"), Duration.ZERO, "trial t01")) {
            String info = Files.readString(tmp.resolve("leases/gpu-0.lock"));
            assertTrue(info.contains("\"purpose\":\"trial t01\"") && !info.contains("gone"), info);
        }
    }

    @Test
    void zeroWaitFailsAtOnceNamingTheHolder() throws Exception {
        try (GpuLease held = buildA().acquireExactly(List.of("0", "1"), Duration.ZERO, "trial t01")) {
            CapturingLog log = new CapturingLog();
            GpuLeases b = leases("dev.exprun.it:sweep-b", "/tmp/x/wt-a", log);
            ExpError e = assertThrows(ExpError.class, () -> b.acquire(List.of("0", "1"), 1, Duration.ZERO, "trial t03"));
            assertTrue(e.getMessage().matches("GPU lease: trial t03 cannot get 1 of GPUs 0,1 at once \\(gpuWait=fail\\): "
                    + heldByA("0,1", "trial t01")), e.getMessage());
            assertEquals(FIX, e.fix());
            assertEquals(List.of(), log.lines(), "no wait, so no waiting line");
        }
    }

    @Test
    void aBoundedWaitEndsWithTheHoldersAndTheFix() throws Exception {
        try (GpuLease held = buildA().acquireExactly(List.of("0"), Duration.ZERO, "trial t01")) {
            CapturingLog log = new CapturingLog();
            GpuLeases b = leases("dev.exprun.it:sweep-b", "/tmp/x/wt-a", log);
            ExpError e = assertThrows(ExpError.class, () -> b.acquireExactly(List.of("0"), Duration.ofMillis(300), "trial t03"));
            assertTrue(e.getMessage().matches("GPU lease: trial t03 gave up waiting for GPU 0 after \\d+\\.\\d s \\(gpuWait=0\\.3s\\): "
                    + heldByA("0", "trial t01")), e.getMessage());
            assertEquals(FIX, e.fix());
            assertEquals(1, log.lines().size(), log.lines()::toString);
            assertTrue(log.lines().get(0).matches("INFO GPU lease: trial t03 waits for GPU 0: " + heldByA("0", "trial t01")),
                    log.lines()::toString);
        }
    }

    @Test
    void closingALeaseWakesAWaiterOfThisJvm() throws Exception {
        GpuLease held = buildA().acquire(POOL, 4, Duration.ZERO, "trial t01");
        WaitingLog log = new WaitingLog();
        GpuLeases b = leases("dev.exprun.it:sweep-b", "/tmp/x/wt-a", log);
        Future<GpuLease> waiter = threads.submit(() -> b.acquire(POOL, 1, null, "trial t02"));
        String waits = log.await("waits for");
        assertTrue(waits.matches("INFO GPU lease: trial t02 waits for 1 of GPUs 0,1,2,3: " + heldByA("0,1,2,3", "trial t01")), waits);

        held.close();
        try (GpuLease got = waiter.get(BOUND_S, TimeUnit.SECONDS)) {
            assertEquals(List.of("0"), got.devices());
            assertTrue(got.held());
        }
        assertTrue(log.await("got").startsWith("INFO GPU lease: trial t02 got GPU 0 after "), log.lines()::toString);
    }

    @Test
    void anInterruptedWaitThrowsInterruptedException() throws Exception {
        try (GpuLease held = buildA().acquireExactly(List.of("0"), Duration.ZERO, "trial t01")) {
            WaitingLog log = new WaitingLog();
            GpuLeases b = leases("dev.exprun.it:sweep-b", "/tmp/x/wt-a", log);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    b.acquireExactly(List.of("0"), null, "trial t02").close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            waiter.start();
            log.await("waits for");
            waiter.interrupt();
            waiter.join(TimeUnit.SECONDS.toMillis(BOUND_S));
            assertInstanceOf(InterruptedException.class, thrown.get());
        }
    }

    @Test
    void badRequestsAreRefused() {
        GpuLeases leases = buildA();
        ExpError tooMany = assertThrows(ExpError.class, () -> leases.acquire(List.of("0", "1"), 3, null, "trial t01"));
        assertEquals("GPU lease: trial t01 asks for 3 GPUs, but the pool has only 2 (0,1)", tooMany.getMessage());
        ExpError twice = assertThrows(ExpError.class, () -> leases.acquireExactly(List.of("0", "0"), null, "trial t01"));
        assertEquals("GPU lease: trial t01 lists GPU 0 twice in [0, 0]", twice.getMessage());
    }

    @Test
    void aLeaseDirectoryThatCannotBeCreatedIsNamedWithTheFix() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        ExpError e = assertThrows(ExpError.class,
                () -> new GpuLeases(file.resolve("leases"), LeaseHolder.current("g:a", "/wt"), ExpLog.NONE));
        assertTrue(e.getMessage().startsWith("Cannot create the GPU lease directory " + file.resolve("leases") + ": "), e.getMessage());
        assertEquals("Make it a writable directory, or set EXPRUN_LEASE_DIR to one.", e.fix());
    }

    @Test
    void lockFileNamesAreSafeAndDistinct() {
        assertEquals("gpu-0.lock", LockFiles.name("0"));
        assertEquals("gpu-0_3a1.lock", LockFiles.name("0:1"));
        assertEquals("gpu-nvidia.com_2fgpu_3d0.lock", LockFiles.name("nvidia.com/gpu=0"));
        assertEquals("gpu-GPU-3f2a9c1d-aaaa-bbbb.lock", LockFiles.name("GPU-3f2a9c1d-aaaa-bbbb"));
        assertEquals("gpu-_5f.lock", LockFiles.name("_"));
        // Every id of up to three characters from an alphabet with the escape character and its look-alikes.
        String[] alphabet = {"0", "_", "3", "a", ":", "/", "é", "."};
        List<String> ids = new ArrayList<>(List.of(alphabet));
        for (int len = 2; len <= 3; len++) {
            List<String> longer = new ArrayList<>();
            for (String id : ids) {
                if (id.length() == len - 1) {
                    for (String c : alphabet) {
                        longer.add(id + c);
                    }
                }
            }
            ids.addAll(longer);
        }
        Set<String> names = new HashSet<>();
        for (String id : ids) {
            String name = LockFiles.name(id);
            assertTrue(name.matches("gpu-[A-Za-z0-9_.-]+\\.lock"), name);
            assertTrue(names.add(name), () -> "two ids share " + name);
        }
        assertEquals(8 + 64 + 512, names.size());
    }

    @Test
    void oneDirectoryPerEngineAndMachine() {
        String podman = "unix:///run/user/1000/podman/podman.sock";
        String key = GpuLeases.key(podman, "gpu-box");
        assertTrue(key.matches("podman-podman\\.sock-[0-9a-f]{12}"), key);
        assertEquals(key, GpuLeases.key(podman, "gpu-box"));
        assertNotEquals(key, GpuLeases.key("unix:///var/run/docker.sock", "gpu-box"));
        assertNotEquals(key, GpuLeases.key(podman, "other-box"), "a home on NFS is shared by machines whose GPUs are not");
        assertEquals(GpuLeases.key("tcp://gpu-box:2376", "laptop"), GpuLeases.key("tcp://gpu-box:2376", "desktop"),
                "a remote engine is its own machine, whoever drives it");
        assertTrue(GpuLeases.key("tcp://gpu-box:2376", "laptop").startsWith("gpu-box_2376-"));

        Path fromHome = GpuLeases.directory(Map.of("HOME", "/home/u"), podman);
        assertEquals(Path.of("/home/u/.exprun/leases"), fromHome.getParent());
        assertTrue(fromHome.getFileName().toString().startsWith("podman-podman.sock-"));
        assertEquals(fromHome, GpuLeases.directory(Map.of("HOME", "/home/u"), podman));
        assertEquals(Path.of("/srv/leases").resolve(fromHome.getFileName()),
                GpuLeases.directory(Map.of("HOME", "/home/u", "EXPRUN_LEASE_DIR", "/srv/leases"), podman));
        assertEquals(Path.of(System.getProperty("user.home"), ".exprun", "leases"), GpuLeases.directory(Map.of(), podman).getParent());
        assertNotEquals(fromHome, GpuLeases.directory(Map.of("HOME", "/home/u"), "unix:///var/run/docker.sock"));
    }

    /** Keeps what is logged and lets a test wait for a line, instead of sleeping. */
    private static final class WaitingLog implements ExpLog {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void info(String message) {
            lines.add("INFO " + message);
            notifyAll();
        }

        @Override
        public synchronized void warn(String message) {
            lines.add("WARN " + message);
            notifyAll();
        }

        @Override
        public void debug(String message) {
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        /** The first line containing fragment, once it is logged. */
        synchronized String await(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
            while (true) {
                for (String l : lines) {
                    if (l.contains(fragment)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("never logged: " + fragment + " in " + lines);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}

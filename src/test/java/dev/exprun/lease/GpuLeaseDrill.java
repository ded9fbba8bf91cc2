package dev.exprun.lease;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A build that leases GPUs, in a JVM of its own, so tests can run two at once or SIGKILL one. Its work tree is
 * its working directory. Modes (args after mode, leaseDir, project):
 * <ul>
 * <li>{@code sweep <pool> <events> <jvm> <trials> <parallel> <holdMillis>}: prints "ready", waits for a line on
 * stdin, then runs the trials, each leasing 1 GPU; writes "acquired"/"releasing" events with epoch nanos</li>
 * <li>{@code hold <pool>}: leases the whole pool, prints "holding <devices>" and keeps it until killed</li>
 * <li>{@code probe <pool> <wait>}: leases 1 GPU (wait "fail" or a duration like 30s), prints "got <device>"</li>
 * </ul>
 * An ExpError prints "ERROR " and its message, and exits 3.
 */
public final class GpuLeaseDrill {
    private static final ExpLog STDOUT = new ExpLog() {
        @Override
        public void info(String message) {
            print(message);
        }

        @Override
        public void warn(String message) {
            print("WARN " + message);
        }

        @Override
        public void debug(String message) {
        }
    };

    private GpuLeaseDrill() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        LeaseHolder self = LeaseHolder.current(args[2], System.getProperty("user.dir"));
        List<String> pool = Arrays.asList(args[3].split(","));
        try {
            GpuLeases leases = new GpuLeases(Path.of(args[1]), self, STDOUT);
            switch (mode) {
                case "sweep" -> sweep(leases, pool, Path.of(args[4]), args[5], Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                        Long.parseLong(args[8]));
                case "hold" -> hold(leases, pool);
                case "probe" -> probe(leases, pool, args[4]);
                default -> throw new IllegalArgumentException(mode);
            }
        } catch (ExpError e) {
            print("ERROR " + e.describe());
            System.exit(3);
        }
        System.exit(0);
    }

    private static void sweep(GpuLeases leases, List<String> pool, Path events, String jvm, int trials, int parallel, long holdMillis)
            throws Exception {
        print("ready");
        // Both drills start their trials together, when the test says so.
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        ExecutorService threads = Executors.newFixedThreadPool(parallel);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 1; i <= trials; i++) {
            String trial = String.format("t%02d", i);
            done.add(threads.submit(() -> {
                try (GpuLease lease = leases.acquire(pool, 1, null, "trial " + trial)) {
                    String device = lease.devices().get(0);
                    event("acquired", device, jvm, trial, events);
                    // The trial's work: holding the GPU a while is all it does.
                    Thread.sleep(holdMillis);
                    event("releasing", device, jvm, trial, events);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();
        print("done");
    }

    private static void hold(GpuLeases leases, List<String> pool) throws InterruptedException {
        GpuLease lease = leases.acquireExactly(pool, Duration.ZERO, "trial holder");
        print("holding " + String.join(",", lease.devices()));
        new CountDownLatch(1).await();
    }

    private static void probe(GpuLeases leases, List<String> pool, String wait) throws InterruptedException {
        Duration maxWait = wait.equals("fail") ? Duration.ZERO : Duration.parse("PT" + wait);
        try (GpuLease lease = leases.acquire(pool, 1, maxWait, "trial probe")) {
            print("got " + lease.devices().get(0));
        }
    }

    private static synchronized void event(String what, String device, String jvm, String trial, Path events) throws IOException {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        Files.writeString(events, what + " " + device + " " + nanos + " " + jvm + " " + trial + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

package dev.exprun.container;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Which build process owns a container: host, pid and the process start time (pids are reused,
 * the pair is not). A container whose owner is gone is a leftover of a killed build.
 */
public record BuildIdentity(String host, long pid, long startedMillis) {

    public static BuildIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        return new BuildIdentity(hostName(), self.pid(), startMillis(self).orElse(0L));
    }

    /** True when this identity's process still runs on this host (unknown hosts count as alive). */
    public boolean isAlive(String thisHost) {
        if (!host.equals(thisHost)) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Long> started = startMillis(process.get());
        // Start times come from the same clock, truncated differently on some systems: allow a second.
        return started.isEmpty() || startedMillis == 0 || Math.abs(started.get() - startedMillis) < 1000;
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    static String hostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                return Files.readString(kernel).trim();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

package dev.exprun.run;

import dev.exprun.container.GpuRequest;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.lease.GpuLease;
import dev.exprun.lease.GpuLeases;
import dev.exprun.lease.LeaseHolder;
import java.time.Duration;

/** The GPU leases of a build: one lease directory per engine and machine, shared by every build that uses them. */
public final class Leasing {
    private Leasing() {
    }

    /** The build's lease keeper, for its engine. */
    public static GpuLeases leases(RunConfiguration config, PreparedBuild build, ExpLog log) {
        String workTree = build.git().present() ? build.git().workTree() : config.baseDir().toAbsolutePath().toString();
        return new GpuLeases(GpuLeases.directory(config.hostEnvironment(), build.engine().host()),
                LeaseHolder.current(config.project().coordinates(), workTree), log);
    }

    /** exp:run naming its devices leases exactly those; null (nothing to release) for none, all, or a count. */
    static GpuLease forRun(RunConfiguration config, PreparedBuild build, GpuRequest gpus, Duration wait, String purpose, ExpLog log) {
        if (gpus.deviceIds() == null || gpus.deviceIds().stream().anyMatch(id -> id.endsWith("=all"))) {
            return null;
        }
        try {
            return leases(config, build, log).acquireExactly(gpus.deviceIds(), wait, purpose);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpError("Interrupted while waiting for the GPU lease of " + gpus.text(), "run the build again");
        }
    }
}

package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpError;
import dev.exprun.lease.GpuLease;
import dev.exprun.lease.GpuLeases;
import dev.exprun.lease.LeaseHolder;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:run naming its GPUs takes the same leases as a sweep's trials: a GPU another build holds is waited for, or refused. */
class RunLeaseEngineTest {
    @TempDir
    Path tmp;
    private final String project = "lease" + Long.toHexString(System.nanoTime());

    @Test
    void aGpuAnotherBuildHoldsIsRefusedUnderGpuWaitFailAndNothingRuns() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Path leaseDir = tmp.resolve("leases");
        Projects.Config config = Projects.config(repo, project, "sh", "-c", "echo training");
        config.gpus = "device=0"; // (a bare 0 means no GPUs)
        config.gpuRequest = "nvidia";
        config.gpuWait = "fail";
        config.hostEnv.put("EXPRUN_LEASE_DIR", leaseDir.toString());
        GpuLeases other = new GpuLeases(GpuLeases.directory(config.hostEnv, TestEngine.host()),
                new LeaseHolder(4242, "elsewhere", "org.example:other", "/home/me/other-wt", null, null), new CapturingLog());
        try (GpuLease held = other.acquireExactly(List.of("0"), Duration.ZERO, "trial t01 of sweep sweep-x")) {
            ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
            assertTrue(e.getMessage().contains("(gpuWait=fail)"), e.getMessage());
            assertTrue(e.getMessage().contains("org.example:other, /home/me/other-wt, trial t01 of sweep sweep-x"), e.getMessage());
            assertFalse(Files.exists(repo.resolve("target/exp/runs")) && Files.list(repo.resolve("target/exp/runs")).findAny().isPresent(),
                    "nothing ran: no run directory is left");
        }
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));

        // Released: the run gets the GPU (and the engine here then has none to give: an infrastructure failure),
        // and gives the lease back when it ends.
        assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        try (GpuLease again = other.acquireExactly(List.of("0"), Duration.ZERO, "after")) {
            assertEquals(Duration.ZERO, again.waited(), "the run's lease ended with the run");
        }
    }
}

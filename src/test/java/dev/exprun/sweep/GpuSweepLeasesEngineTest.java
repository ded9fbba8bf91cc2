package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two GPU sweeps at once in two linked worktrees of one repository, each in its own JVM, each wanting all of
 * GPUs 0-3: from the run records of both, no GPU was ever in two trials at once. No GPU is needed: each trial
 * leases its device, asks the engine for it by id, and fails its GPU check; the lease spans the whole run.
 */
class GpuSweepLeasesEngineTest {
    @TempDir
    Path tmp;

    private Process sweep(Path workTree, String project, Path leases) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GpuSweepHarness.class.getName(), workTree.toString(), project,
                leases.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve(project + ".log").toFile());
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        return pb.start();
    }

    @Test
    void twoSweepsInTwoWorktreesNeverShareAGpu() throws Exception {
        Path main = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Path other = tmp.resolve("repo-wt-b");
        Cmd.run(main, "git", "worktree", "add", "-q", "-b", "wt-b", other.toString());
        Path leases = tmp.resolve("leases");
        String project = "gpusweep" + Long.toHexString(System.nanoTime());
        Process a = sweep(main, project + "a", leases);
        Process b = sweep(other, project + "b", leases);
        assertTrue(a.waitFor(180, TimeUnit.SECONDS) && b.waitFor(180, TimeUnit.SECONDS), "both sweeps end");

        Map<String, List<RunRecord>> byDevice = new TreeMap<>();
        for (Path workTree : List.of(main, other)) {
            SweepRecord sweep = RecordJson.read(SweepDirectory.last(workTree.resolve("target")), SweepRecord.class);
            assertEquals(4, sweep.trials().size());
            for (Trial t : sweep.trials()) {
                assertEquals(1, t.gpus().size(), t.trial() + " of " + workTree + " got one GPU");
                for (String runId : t.attempts()) {
                    RunRecord r = RecordJson.read(RunDirectory.of(workTree.resolve("target"), runId).record(), RunRecord.class);
                    assertEquals(t.gpus().get(0), r.container().gpusRequested(), "the engine was asked for the leased device");
                    byDevice.computeIfAbsent(r.container().gpusRequested(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        assertTrue(List.of("0", "1", "2", "3").containsAll(byDevice.keySet()), byDevice.keySet().toString());
        assertEquals(8, byDevice.values().stream().mapToInt(List::size).sum());
        byDevice.forEach((device, runs) -> {
            runs.sort(Comparator.comparing(r -> Instant.parse(r.startedAt())));
            for (int i = 1; i < runs.size(); i++) {
                Instant previousEnd = Instant.parse(runs.get(i - 1).endedAt());
                Instant start = Instant.parse(runs.get(i).startedAt());
                assertTrue(!start.isBefore(previousEnd), "GPU " + device + ": " + runs.get(i).runId() + " started at " + start
                        + " before " + runs.get(i - 1).runId() + " ended at " + previousEnd);
            }
        });
    }
}

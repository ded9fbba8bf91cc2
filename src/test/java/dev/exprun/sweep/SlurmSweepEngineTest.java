package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import dev.exprun.testing.TestSlurm;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:sweep with executor=slurm: each trial a job of its own on the real cluster, each a complete run. */
class SlurmSweepEngineTest {
    @TempDir
    Path tmp;
    private final String project = "slurmsweep" + Long.toHexString(System.nanoTime());

    @Test
    void fourTrialsAreFourJobsSubmittedTogetherEachWithItsRecord() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Projects.Config run = TestSlurm.onSlurm(Projects.config(repo, project, "sh", "-c",
                "x=$(echo \"$EXP_PARAMS\" | sed 's/.*\"x\": *\\([0-9]*\\).*/\\1/'); echo \"trial $EXP_TRIAL x=$x\"; "
                        + "echo \"{\\\"loss\\\": $x}\" > $EXP_OUTPUT_DIR/metrics.json"));
        Sweeps sweep = new Sweeps();
        sweep.line = "x=4,2,1,3";
        sweep.objective = "loss";
        CapturingLog log = new CapturingLog();

        SweepResult result = new SweepRunner(log).run(sweep.of(run.build()));

        assertTrue(log.lines().stream().anyMatch(l -> l.contains(": 4 trial(s), 4 at once")),
                "on Slurm every trial is submitted at once: " + log.lines());
        List<Trial> trials = result.record().trials();
        assertEquals(4, trials.size());
        Set<String> jobs = new HashSet<>();
        for (Trial t : trials) {
            assertEquals(TrialStatus.SUCCEEDED, t.status(), t.toString());
            RunRecord record = RecordJson.read(RunDirectory.of(repo.resolve("target"), t.runId()).record(), RunRecord.class);
            assertEquals(RunStatus.SUCCEEDED, record.status());
            assertNotNull(record.slurm(), "each trial's record names its job");
            assertEquals("COMPLETED", record.slurm().state());
            assertEquals(t.trial(), record.sweep().trial());
            jobs.add(record.slurm().jobId());
            assertTrue(log.lines().contains("INFO [" + t.trial() + "] trial " + t.trial() + " x=" + t.params().get("x")), log.lines().toString());
        }
        assertEquals(4, jobs.size(), "one job per trial");
        RunRecord best = RecordJson.read(result.bestRunRecord(), RunRecord.class);
        assertEquals("1", String.valueOf(best.params().get("x")), "the best trial by loss");
        assertEquals(List.of(), TestSlurm.jobsOf(project));
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
        assertTrue(result.attachments().stream().anyMatch(a -> a.classifier().equals("exp-job-t01")), result.attachments().toString());
    }
}

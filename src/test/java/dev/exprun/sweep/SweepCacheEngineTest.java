package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.cache.CacheConfiguration;
import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run cache per trial: a sweep run again trains only the trials whose key changed. */
class SweepCacheEngineTest {
    @TempDir
    Path tmp;
    private final String project = "sweepcache" + Long.toHexString(System.nanoTime());

    @AfterEach
    void noContainerLeft() {
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
    }

    private Projects.Config run(Path repo, String... inputs) {
        Projects.Config run = Projects.config(repo, project, "sh", "-c", "echo training; echo \"$EXP_PARAMS\" > $EXP_OUTPUT_DIR/best.pt");
        run.hostEnv.put("EXPRUN_LEASE_DIR", tmp.resolve("leases").toString());
        run.cache = new CacheConfiguration("use", null, List.of(inputs), null);
        return run;
    }

    @Test
    void aCacheInputsTypoStopsTheSweepOnceBeforeAnyTrial() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.sh", "echo\n"));
        Sweeps sweep = new Sweeps();
        sweep.grid.put("lr", "0.1,0.2");
        CapturingLog log = new CapturingLog();
        ExpError e = assertThrows(ExpError.class, () -> new SweepRunner(log).run(sweep.of(run(repo, "scr/**").build())));
        assertTrue(e.getMessage().startsWith("The cacheInputs scr/** match no file of the project"), e.getMessage());
        assertFalse(Files.exists(repo.resolve("target/exp/runs")), "no trial ran");
        assertTrue(log.lines().stream().noneMatch(l -> l.contains("[t01]")), log.lines().toString());
    }

    @Test
    void aSweepRunAgainServesEveryUnchangedTrialFromTheCache() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n"));
        Projects.Config run = run(repo);
        Sweeps sweep = new Sweeps();
        sweep.grid.put("lr", "0.1,0.2");
        SweepResult first = new SweepRunner(new CapturingLog()).run(sweep.of(run.build()));

        sweep.grid.put("lr", "0.1,0.3");
        CapturingLog log = new CapturingLog();
        SweepResult again = new SweepRunner(log).run(sweep.of(run.build()));
        List<Trial> trials = again.record().trials();
        assertEquals(List.of("succeeded", "succeeded"), trials.stream().map(t -> t.status().json()).toList());
        RunRecord t01 = RecordJson.read(RunDirectory.of(repo.resolve("target"), trials.get(0).runId()).record(), RunRecord.class);
        RunRecord t02 = RecordJson.read(RunDirectory.of(repo.resolve("target"), trials.get(1).runId()).record(), RunRecord.class);
        assertEquals(first.record().trials().get(0).runId(), t01.cachedFrom(), "lr=0.1 is the same trial: served");
        assertEquals("t01", t01.sweep().trial());
        assertNull(t02.cachedFrom(), "lr=0.3 is new: trained");
        assertEquals(List.of("[t02] training"), log.lines().stream().filter(l -> l.endsWith("] training")).map(l -> l.substring(5)).toList());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO [t01] Cache hit: run " + t01.cachedFrom())), log.lines().toString());
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO \\[t02\\] Cache miss: since run \\S+ on branch main: params lr 0\\.\\d → 0\\.3")),
                log.lines().toString());
    }
}

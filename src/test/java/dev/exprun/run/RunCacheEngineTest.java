package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.cache.CacheConfiguration;
import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpError;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.ChildBuild;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run cache against the real engine: hits that start no container, misses that say why, tampering, refresh, locks. */
class RunCacheEngineTest {
    private static final String TRAIN = """
            echo "training lr=$(cat /exp/in/params.json)"
            cat src/model.sh > "$EXP_OUTPUT_DIR/best.pt"
            printf '{"val_acc": 0.93}' > "$EXP_OUTPUT_DIR/metrics.json"
            """;

    @TempDir
    Path tmp;
    private final String project = "cache" + Long.toHexString(System.nanoTime());
    private Path repo;

    @BeforeEach
    void repo() {
        repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.sh", TRAIN, "src/model.sh", "W=1\n",
                "README.md", "# model\n"));
    }

    @AfterEach
    void noContainerLeftBehind() {
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
    }

    private Projects.Config config(String... inputs) {
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.params.put("lr", "0.01");
        config.cache = new CacheConfiguration("use", null, List.of(inputs), null);
        return config;
    }

    private static RunResult run(Projects.Config config, CapturingLog log) {
        return new ExperimentRunner(log).run(config.build());
    }

    private static boolean trained(CapturingLog log) {
        return log.containerLines().stream().anyMatch(l -> l.startsWith("training"));
    }

    private void commitAll(String message) {
        Cmd.run(repo, "git", "add", "-A");
        Cmd.run(repo, "git", "commit", "-q", "-m", message);
    }

    @Test
    void aSecondIdenticalRunIsServedVerifiedWithNoContainerAndTheSameFiles() throws Exception {
        CapturingLog firstLog = new CapturingLog();
        RunResult first = run(config(), firstLog);
        assertTrue(trained(firstLog));
        assertNotNull(first.record().cache());
        assertTrue(firstLog.contains("Cache miss (key " + first.record().cache().key().substring(0, 12) + "…): no earlier run on branch main"),
                firstLog.lines().toString());

        CapturingLog log = new CapturingLog();
        RunResult second = run(config(), log);
        assertEquals(List.of(), log.containerLines(), "a hit starts no container: " + log.lines());
        RunRecord record = second.record();
        assertEquals(first.record().runId(), record.cachedFrom());
        assertEquals(RunRecord.SCHEMA, record.schema());
        assertEquals("succeeded", record.status().json());
        assertEquals(first.record().cache(), record.cache());
        assertEquals(first.record().container().id(), record.container().id(), "the container that made the outputs");
        assertEquals(first.record().metrics(), record.metrics());
        String hit = log.lines().stream().filter(l -> l.startsWith("INFO Cache hit")).findFirst().orElseThrow();
        assertEquals("INFO Cache hit: run " + first.record().runId() + " has the key " + record.cache().key().substring(0, 12)
                + "…; its outputs match their recorded sha256 (0.0 MiB re-hashed in " + hit.replaceAll(".* in (\\d+) ms.*", "$1")
                + " ms) and its 4 file(s) come from its run directory " + first.directory().root()
                + ". Nothing was trained; to train anyway: -Dexp.cache=refresh", hit);
        // The build attaches the earlier run's files, byte for byte: its record, metrics, log and outputs.
        assertEquals(first.attachments().stream().map(a -> a.classifier() + "." + a.type()).toList(),
                second.attachments().stream().map(a -> a.classifier() + "." + a.type()).toList());
        for (int i = 0; i < first.attachments().size(); i++) {
            assertArrayEquals(Files.readAllBytes(first.attachments().get(i).file()), Files.readAllBytes(second.attachments().get(i).file()));
        }
        // Its own record is where exp:verify and exp:tag look, and its note says where the outputs came from.
        assertEquals(record.runId(), RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class).runId());
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            List<RunNote> notes = new RunNotes(r).readAll().get(Projects.head(repo));
            assertEquals(List.of(first.record().runId(), record.runId()), notes.stream().map(RunNote::runId).toList());
            assertEquals(first.record().runId(), notes.get(1).cachedFrom());
            assertEquals(record.cache(), notes.get(1).cache());
        }
    }

    @Test
    void anEmptyCommitIsAHitAndACommitThatChangesAnyFileIsAMissThatNamesIt() throws Exception {
        RunResult first = run(config(), new CapturingLog());
        Cmd.run(repo, "git", "commit", "-q", "--allow-empty", "-m", "nothing changed");
        CapturingLog empty = new CapturingLog();
        assertEquals(first.record().runId(), run(config(), empty).record().cachedFrom(), empty.lines().toString());

        Files.writeString(repo.resolve("README.md"), "# model, documented\n");
        commitAll("docs");
        CapturingLog log = new CapturingLog();
        RunResult third = run(config(), log);
        assertNull(third.record().cachedFrom());
        assertTrue(trained(log));
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO Cache miss: since run \\S+ on branch main: the tree \\(README.md changed\\)")),
                log.lines().toString());
    }

    @Test
    void withCacheInputsAReadmeCommitIsAHitAndAChangeUnderSrcIsAMiss() throws Exception {
        RunResult first = run(config("train.sh", "src/**"), new CapturingLog());
        assertEquals(List.of("train.sh", "src/**"), first.record().cache().inputs());
        Files.writeString(repo.resolve("README.md"), "# model, documented\n");
        commitAll("docs");
        CapturingLog readme = new CapturingLog();
        assertEquals(first.record().runId(), run(config("train.sh", "src/**"), readme).record().cachedFrom(), readme.lines().toString());

        Files.writeString(repo.resolve("src/model.sh"), "W=2\n");
        commitAll("model");
        CapturingLog log = new CapturingLog();
        RunResult changed = run(config("train.sh", "src/**"), log);
        assertNull(changed.record().cachedFrom());
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO Cache miss: since run \\S+ on branch main: the tree \\(src/model.sh changed\\)")),
                log.lines().toString());
    }

    @Test
    void eachMissSaysWhichPartChanged() throws Exception {
        run(config(), new CapturingLog());

        Projects.Config lr = config();
        lr.paramOverrides.put("lr", "0.02");
        assertEquals("params lr 0.01 → 0.02", missReason(lr));

        // Each later miss is said against the run before it (lr 0.02 from here on).
        lr.paramOverrides.put("lr", "0.02");
        Files.writeString(repo.resolve("src/model.sh"), "W=3\n");
        assertEquals("the uncommitted changes (now: modified: src/model.sh; before: none)", missReason(lr));

        Files.writeString(repo.resolve("notes.txt"), "an untracked file\n");
        assertEquals("the uncommitted changes (now: modified: src/model.sh, untracked: notes.txt; before: modified: src/model.sh)",
                missReason(lr));

        lr.image = TestEngine.TORCH;
        String image = missReason(lr);
        assertTrue(image.matches("the image digest sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}"), image);
    }

    /** Runs config, which must miss and train; the part of its miss line after "on branch main: ". */
    private static String missReason(Projects.Config config) {
        CapturingLog log = new CapturingLog();
        RunResult result = run(config, log);
        assertNull(result.record().cachedFrom(), log.lines().toString());
        assertTrue(trained(log));
        String line = log.lines().stream().filter(l -> l.startsWith("INFO Cache miss: since run ")).findFirst().orElseThrow(
                () -> new AssertionError("no miss line in " + log.lines()));
        return line.substring(line.indexOf(" on branch main: ") + " on branch main: ".length());
    }

    @Test
    void aTamperedOutputIsNamedAndTheRunTrainsAgain() throws Exception {
        RunResult first = run(config(), new CapturingLog());
        Files.writeString(first.directory().out().resolve("best.pt"), "W=666\n");
        CapturingLog log = new CapturingLog();
        RunResult second = run(config(), log);
        assertNull(second.record().cachedFrom());
        assertTrue(trained(log));
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN Cache: run " + first.record().runId()
                + " has this key but is not used: its out/best.pt differs from its record (sha256 ")
                && l.endsWith(" now) (in " + first.directory().root() + "); training again")), log.lines().toString());
        assertTrue(log.lines().contains("INFO Cache miss (key " + first.record().cache().key().substring(0, 12)
                + "…): no run with this key could be used (said above); training"), log.lines().toString());
        assertEquals(first.record().cache().key(), second.record().cache().key(), "the new run is the entry now");
    }

    @Test
    void refreshTrainsAndBecomesTheEntryOffAndNotCacheableWriteNoKey() throws Exception {
        RunResult first = run(config(), new CapturingLog());
        Projects.Config refresh = config();
        refresh.cache = new CacheConfiguration("refresh", null, List.of(), null);
        CapturingLog refreshLog = new CapturingLog();
        RunResult refreshed = run(refresh, refreshLog);
        assertTrue(trained(refreshLog));
        assertTrue(refreshLog.contains("Cache: refresh: training; this run becomes the entry of key " + first.record().cache().key().substring(0, 12)));
        assertEquals(first.record().cache(), refreshed.record().cache());
        assertEquals(refreshed.record().runId(), run(config(), new CapturingLog()).record().cachedFrom(), "the newest entry serves");

        Projects.Config off = config();
        off.cache = new CacheConfiguration("off", null, List.of(), null);
        CapturingLog offLog = new CapturingLog();
        RunResult untracked = run(off, offLog);
        assertTrue(trained(offLog));
        assertNull(untracked.record().cache());

        Projects.Config never = config();
        never.cache = new CacheConfiguration("use", "false", List.of(), null);
        CapturingLog neverLog = new CapturingLog();
        RunResult notCacheable = run(never, neverLog);
        assertTrue(trained(neverLog));
        assertNull(notCacheable.record().cache());
        assertTrue(neverLog.lines().contains("INFO Cache: not used (cacheable=false); training"), neverLog.lines().toString());

        Projects.Config nondeterministic = config();
        nondeterministic.params.put("nondeterministic", "true");
        CapturingLog nondeterministicLog = new CapturingLog();
        assertNull(run(nondeterministic, nondeterministicLog).record().cache());
        assertTrue(nondeterministicLog.lines().contains("INFO Cache: not used (the param nondeterministic=true); training"));
    }

    @Test
    void aHitOfAnImagePinnedByDigestNeedsNoEngine() {
        Projects.Config pinned = config();
        pinned.image = run(config(), new CapturingLog()).record().image().imageId(); // pinned by id: the same in both engines
        RunResult trained = run(pinned, new CapturingLog());

        pinned.hostEnv.put("DOCKER_HOST", "unix://" + tmp.resolve("no-engine.sock"));
        CapturingLog log = new CapturingLog();
        RunResult served = run(pinned, log);
        assertEquals(trained.record().cache().key(), served.record().cache().key());
        assertNotNull(served.record().cachedFrom(), log.lines().toString());
        assertEquals(pinned.image, served.record().image().reference());
        assertEquals(trained.record().image().digest(), served.record().image().digest());
        assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("INFO Engine: ") || l.startsWith("INFO Image: ")), log.lines().toString());

        // A miss needs the engine, and says so as before.
        pinned.paramOverrides.put("lr", "0.5");
        assertThrows(ExpError.class, () -> run(pinned, new CapturingLog()));
    }

    @Test
    void aReproductionNeverUsesTheCache() {
        RunResult first = run(config(), new CapturingLog());
        RunConfiguration again = config().build().reproducing(first.record().runId(), repo, first.record().image().imageId(), List.of("sh", "train.sh"),
                Map.of("lr", "0.01"));
        assertEquals(CacheConfiguration.OFF, again.cache());
        CapturingLog log = new CapturingLog();
        RunResult reproduction = new ExperimentRunner(log).run(again);
        assertTrue(trained(log), "it trains again though the same key has a run: " + log.lines());
        assertNull(reproduction.record().cache());
        assertNull(reproduction.record().cachedFrom());
    }

    @Test
    void twoIdenticalBuildsAtOnceBothSucceedAndOnlyOneTrains() throws Exception {
        ProcessBuilder other = ChildBuild.java(List.of(), CacheHarness.class, repo.toString(), project);
        other.environment().put("DOCKER_HOST", TestEngine.host());
        Process child = ChildBuild.startAndAwait(other, line -> line.contains("[out] started"), 120);
        CapturingLog log = new CapturingLog();
        RunResult mine = new ExperimentRunner(log).run(CacheHarness.config(repo, project).build());
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());
        assertEquals(List.of(), log.containerLines(), "the second build waited for the first and trained nothing: " + log.lines());
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO Cache: run \\S+ \\(host \\S+, pid \\d+\\) trains the same key \\S+; waiting for it")),
                log.lines().toString());
        assertNotNull(mine.record().cachedFrom());
        RunRecord theirs = RecordJson.read(RunDirectory.of(repo.resolve("target"), mine.record().cachedFrom()).record(), RunRecord.class);
        assertNull(theirs.cachedFrom());
        assertEquals("succeeded", theirs.status().json());
        assertNotEquals(theirs.runId(), mine.record().runId());
    }
}

package dev.exprun.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:compare and the names runs go by, on a real repository. */
class RunComparisonTest {
    @TempDir
    Path tmp;

    private static RunNote note(String runId, String commit, Map<String, Object> params, Map<String, Double> metrics, boolean dirty,
                                List<String> gpus) {
        return new RunNote(RunNote.SCHEMA, runId, "succeeded", "2026-11-0" + runId.charAt(1) + "T10:00:00Z", "g:a:1", commit, "main",
                null, dirty, dirty ? "d".repeat(64) : null, "localhost/x:1", "sha256:" + "ab".repeat(32), List.of("python3", "train.py"),
                params, metrics, List.of(), "podman 4.3.1", gpus, null);
    }

    private static <V> Map<String, V> map(Object... kv) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked") V v = (V) kv[i + 1];
            m.put((String) kv[i], v);
        }
        return m;
    }

    @Test
    void paramsMetricsEnvironmentAndCodeSideBySide() throws Exception {
        Path dir = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "a\nb\n", "old.py", "x\n"));
        String c1 = Projects.head(dir);
        Cmd.run(dir, "git", "tag", "-a", "v1.0-prod-ready", "-m", "release");
        Files.writeString(dir.resolve("train.py"), "a\nB\nc\n");
        Cmd.run(dir, "git", "rm", "-q", "old.py");
        Cmd.run(dir, "git", "commit", "-qam", "tune");
        String c2 = Projects.head(dir);
        RunNote a = note("r1-aaaa", c1, map("lr", 0.01, "epochs", 3, "seed", 1), map("val_acc", 0.90, "loss", 0.5), false, List.of());
        RunNote b = note("r2-bbbb", c2, map("lr", 0.02, "epochs", 3, "hidden", 64), map("val_acc", 0.93, "f1", 0.8), true,
                List.of("NVIDIA H100"));
        Map<String, List<RunNote>> notes = Map.of(c1, List.of(a), c2, List.of(b));
        try (Repository repo = new FileRepositoryBuilder().findGitDir(dir.toFile()).build()) {
            assertEquals("r1-aaaa", RunRef.resolve(repo, notes, "v1.0-prod-ready").runId());
            assertEquals("r2-bbbb", RunRef.resolve(repo, notes, "HEAD").runId());
            assertEquals("r2-bbbb", RunRef.resolve(repo, notes, "r2").runId());
            assertTrue(assertThrows(ExpError.class, () -> RunRef.resolve(repo, notes, "r")).getMessage().contains("matches 2 runs"));
            assertTrue(assertThrows(ExpError.class, () -> RunRef.resolve(repo, notes, "nope")).getMessage()
                    .startsWith("'nope' is neither a recorded run id"));

            List<String> lines = RunComparison.lines(repo, a, b);
            String text = String.join("\n", lines);
            assertTrue(lines.contains("Params: 3 differ, 1 the same"), text);
            assertTrue(lines.contains("  ~ lr: 0.01 -> 0.02"), text);
            assertTrue(lines.contains("  - seed = 1  (removed in B)"), text);
            assertTrue(lines.contains("  + hidden = 64  (added in B)"), text);
            assertTrue(lines.contains("  METRIC   A    B     DELTA  REL"), text);
            assertTrue(lines.contains("  val_acc  0.9  0.93  +0.03  +3.33%"), text);
            assertTrue(lines.contains("  loss     0.5  -     -      -"), text);
            assertTrue(lines.contains("  digest: sha256:" + "ab".repeat(32) + " (same)"), text);
            assertTrue(lines.contains("  gpus: none seen  |  NVIDIA H100"), text);
            assertTrue(lines.contains("  dirty: no  |  yes, patch sha256 dddddddddddd"), text);
            assertTrue(lines.contains("Code: " + c1.substring(0, 12) + ".." + c2.substring(0, 12)
                    + ": 2 file(s) changed, 2 insertion(s)(+), 2 deletion(s)(-)"), text);
            assertTrue(lines.contains("  train.py | +2 -1"), text);
            assertTrue(lines.contains("  old.py | +0 -1"), text);
        }
    }
}

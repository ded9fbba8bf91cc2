package dev.exprun.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.CacheKey;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run cache's key over real git repositories: what enters it, what never does, and what cacheInputs narrows. */
class CacheKeysTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path tmp;

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\ndata/\n", "train.py", "print('train')\n",
                "src/model.py", "W = 1\n", "README.md", "# model\n"));
    }

    private static GitProvenance git(Path project) {
        return new GitProvenanceResolver(new CapturingLog(), Map.of()).resolve(project, project.resolve("target"),
                project.resolve("target/diff.patch"));
    }

    private static KeyFacts facts(Path project, Map<String, Object> params, Map<String, String> env) {
        return new KeyFacts(git(project), DIGEST, List.of("python3", "train.py"), params, env, "none", "runtime-1", null);
    }

    private static CacheKey key(Path project, List<String> inputs) {
        return CacheKeys.compute(facts(project, Map.of("lr", 0.01), Map.of()), InputGlobs.parse(inputs));
    }

    @Test
    void absolutePathsHostsAndTimesNeverEnterTheKey() {
        Path a = repo();
        Path b = tmp.resolve("elsewhere/clone");
        Cmd.run(tmp, "git", "clone", "-q", a.toString(), b.toString());
        assertEquals(key(a, List.of()).key(), key(b, List.of()).key(), "the same commit in another directory has the same key");
        String json = RecordJson.compact(key(a, List.of()));
        assertFalse(json.contains(tmp.toString()), json);
        assertEquals(CacheKeys.PARTS, List.copyOf(key(a, List.of()).parts().keySet()));
    }

    @Test
    void anEmptyCommitKeepsTheKeyAndAnyChangedFileChangesIt() throws Exception {
        Path repo = repo();
        CacheKey before = key(repo, List.of());
        Cmd.run(repo, "git", "commit", "-q", "--allow-empty", "-m", "nothing");
        assertEquals(before.key(), key(repo, List.of()).key(), "a commit that changes no file keeps the key");
        Files.writeString(repo.resolve("README.md"), "# model, documented\n");
        CacheKey dirty = key(repo, List.of());
        assertEquals(before.parts().get("tree"), dirty.parts().get("tree"));
        assertNotEquals(before.parts().get("changes"), dirty.parts().get("changes"), "the dirty patch counts");
        Cmd.run(repo, "git", "commit", "-q", "-am", "docs");
        CacheKey committed = key(repo, List.of());
        assertNotEquals(before.parts().get("tree"), committed.parts().get("tree"));
        assertNotEquals(before.key(), committed.key());
    }

    @Test
    void withCacheInputsOnlyTheNamedPathsAndTheirUncommittedChangesCount() throws Exception {
        Path repo = repo();
        List<String> inputs = List.of("train.py", "src/**");
        CacheKey before = key(repo, inputs);
        Files.writeString(repo.resolve("README.md"), "# model, documented\n");
        Cmd.run(repo, "git", "commit", "-q", "-am", "docs");
        Files.writeString(repo.resolve("NOTES.txt"), "untracked, outside the inputs\n");
        Files.createDirectories(repo.resolve("data"));
        Files.writeString(repo.resolve("data/x.bin"), "ignored\n");
        assertEquals(before.key(), key(repo, inputs).key(), "README, an untracked file and an ignored one outside the inputs");

        Files.writeString(repo.resolve("src/extra.py"), "X = 2\n");
        CacheKey untracked = key(repo, inputs);
        assertEquals(before.parts().get("tree"), untracked.parts().get("tree"));
        assertNotEquals(before.parts().get("changes"), untracked.parts().get("changes"), "a new untracked file under src/");
        Files.delete(repo.resolve("src/extra.py"));
        assertEquals(before.key(), key(repo, inputs).key(), "gone again: the same key");

        Files.writeString(repo.resolve("src/model.py"), "W = 2\n");
        Cmd.run(repo, "git", "commit", "-q", "-am", "model");
        CacheKey changed = key(repo, inputs);
        assertNotEquals(before.parts().get("tree"), changed.parts().get("tree"));
        assertEquals(inputs, changed.inputs());
        assertNotEquals(key(repo, List.of("train.py")).key(), key(repo, List.of("train.py", "src/**")).key(), "the globs are in the key");
    }

    @Test
    void aGlobThatMatchesNothingIsRefusedWithTheFix() {
        Path repo = repo();
        ExpError e = assertThrows(ExpError.class, () -> key(repo, List.of("scr/**")));
        assertTrue(e.getMessage().startsWith("The cacheInputs scr/** match no file of the project"), e.getMessage());
        assertTrue(e.fix().contains("remove <cacheInputs> (-Dexp.cacheInputs)"), e.fix());
    }

    @Test
    void paramsAreCanonicalAndEnvValuesAreHashedNeverKept() {
        Path repo = repo();
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("lr", 0.01);
        one.put("model", Map.of("depth", 3, "width", 64));
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("model", new java.util.TreeMap<>(Map.of("width", 64, "depth", 3)));
        other.put("lr", 0.01);
        InputGlobs none = InputGlobs.parse(List.of());
        CacheKey a = CacheKeys.compute(facts(repo, one, Map.of("TOKEN", "s3cret-value")), none);
        CacheKey b = CacheKeys.compute(facts(repo, other, Map.of("TOKEN", "s3cret-value")), none);
        assertEquals(a.key(), b.key(), "the order params were written in does not matter");
        CacheKey c = CacheKeys.compute(facts(repo, one, Map.of("TOKEN", "another-value")), none);
        assertNotEquals(a.parts().get("env"), c.parts().get("env"));
        assertFalse(RecordJson.compact(c).contains("another-value"), "an env value is never written down");
    }

    @Test
    void globsFollowGitPathspecsForPlainNamesAndRefuseEscapes() {
        InputGlobs globs = InputGlobs.parse(List.of("train.py, src", "configs/*.yaml"));
        assertTrue(globs.test("train.py"));
        assertTrue(globs.test("src/a/b.py"));
        assertTrue(globs.test("configs/base.yaml"));
        assertFalse(globs.test("configs/sub/base.yaml"), "* stays within a directory");
        assertFalse(globs.test("README.md"));
        assertTrue(InputGlobs.parse(List.of("src/**")).test("src/x/y/z.py"));
        ExpError escape = assertThrows(ExpError.class, () -> InputGlobs.parse(List.of("../shared/**")));
        assertTrue(escape.getMessage().contains("'../shared/**' is not a path inside the project directory"), escape.getMessage());
        ExpError bad = assertThrows(ExpError.class, () -> InputGlobs.parse(List.of("src/[a")));
        assertTrue(bad.getMessage().startsWith("The cacheInputs glob 'src/[a' is not a valid glob"), bad.getMessage());
    }

    @Test
    void aMissNamesTheChangedParamsTreeAndImage() throws Exception {
        Path repo = repo();
        InputGlobs none = InputGlobs.parse(List.of());
        KeyFacts before = facts(repo, Map.of("lr", 0.01, "epochs", 3), Map.of());
        CacheKey earlierKey = CacheKeys.compute(before, none);
        KeyedRun earlier = new KeyedRun("run-1", "2026-11-30T10:00:00Z", "succeeded", "g:a", "main", before.git().commit(), null,
                earlierKey, before.params(), before.command(), DIGEST, "none", List.of(), List.of(), null, null);
        for (String f : List.of("src/a.py", "src/b.py", "src/c/d.py", "src/e.py")) {
            Files.createDirectories(repo.resolve(f).getParent());
            Files.writeString(repo.resolve(f), f);
        }
        Cmd.run(repo, "git", "add", "-A");
        Cmd.run(repo, "git", "commit", "-q", "-m", "more");
        KeyFacts now = new KeyFacts(git(repo), "sha256:" + "b".repeat(64), before.command(), Map.of("lr", 0.02, "epochs", 3),
                Map.of(), "none", "runtime-1", null);
        List<String> changes = KeyChanges.between(earlier, CacheKeys.compute(now, none), now, none);
        assertEquals(List.of("the tree (4 files changed under src/)",
                "the image digest sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb", "params lr 0.01 → 0.02"), changes);
    }
}

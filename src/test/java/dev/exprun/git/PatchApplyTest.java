package dev.exprun.git;

import static dev.exprun.git.GitFixture.commitAll;
import static dev.exprun.git.GitFixture.git;
import static dev.exprun.git.GitFixture.snapshot;
import static dev.exprun.git.GitFixture.write;
import static dev.exprun.git.GitFixture.writeBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patch must turn a clean checkout of HEAD into exactly the dirty work tree: each test makes one
 * kind of change, writes the patch, applies it with the git CLI (plain and --index) in fresh clones at
 * the same commit, and compares every file byte for byte (and its executable bit) with the dirty tree.
 */
class PatchApplyTest {
    @TempDir
    Path tmp;
    private Path repo;
    private Git git;
    private Path patch;
    private int clones;

    @BeforeEach
    void createRepository() throws Exception {
        repo = tmp.resolve("repo");
        git = GitFixture.init(repo);
        write(repo, "README.md", "hello\n");
        write(repo, "src/a.py", numberedLines(1, 40));
        write(repo, "src/b.py", "print('b')\n");
        writeBytes(repo, "data/blob.bin", binary(3000, 1));
        writeBytes(repo, "data/gone.bin", binary(2000, 2));
        write(repo, "bin/run.sh", "#!/bin/sh\necho hi\n");
        write(repo, "crlf.txt", "one\r\ntwo\r\nthree\r\n");
        write(repo, "nonl.txt", "no newline at the end");
        writeBytes(repo, "latin1.txt", "caf\u00e9 cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1));
        commitAll(git, "base");
        patch = tmp.resolve("out/run-1/git.patch");
    }

    @AfterEach
    void close() {
        git.close();
    }

    @Test
    void modifiedTextFile() throws Exception {
        write(repo, "src/a.py", numberedLines(1, 10) + "changed\n" + numberedLines(12, 45));
        assertReproduced(List.of("src/a.py"));
    }

    @Test
    void stagedNewFile() throws Exception {
        write(repo, "src/new.py", "import os\n");
        git.add().addFilepattern("src/new.py").call();
        assertReproduced(List.of("src/new.py"));
    }

    @Test
    void deletedFiles() throws Exception {
        Files.delete(repo.resolve("src/b.py"));
        git.rm().addFilepattern("README.md").call();
        assertReproduced(List.of("README.md", "src/b.py"));
    }

    @Test
    void modifiedBinaryFileWithNulAndRandomBytes() throws Exception {
        byte[] content = binary(5000, 3);
        content[10] = 0;
        writeBytes(repo, "data/blob.bin", content);
        assertReproduced(List.of("data/blob.bin"));
    }

    @Test
    void newAndDeletedBinaryFiles() throws Exception {
        writeBytes(repo, "data/new.bin", binary(700, 4));
        Files.delete(repo.resolve("data/gone.bin"));
        assertReproduced(List.of("data/gone.bin", "data/new.bin"));
    }

    @Test
    void executableBitAdded() throws Exception {
        Files.setPosixFilePermissions(repo.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertReproduced(List.of("bin/run.sh"));
        assertTrue(Files.readString(patch).contains("old mode 100644\nnew mode 100755\n"));
    }

    @Test
    void executableBitAndContentChanged() throws Exception {
        Path script = write(repo, "bin/run.sh", "#!/bin/sh\necho changed\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertReproduced(List.of("bin/run.sh"));
    }

    @Test
    void untrackedFileInNewNestedDirectory() throws Exception {
        write(repo, "experiments/2024/lr-sweep/config.yaml", "lr: 0.1\n");
        GitProvenance provenance = assertReproduced(List.of("experiments/2024/lr-sweep/config.yaml"));
        assertEquals(List.of("experiments/2024/lr-sweep/config.yaml"), provenance.changes().untracked());
    }

    @Test
    void crlfFiles() throws Exception {
        write(repo, "crlf.txt", "one\r\nTWO\r\nthree\r\n");
        write(repo, "new-crlf.txt", "x\r\ny\r\n");
        assertReproduced(List.of("crlf.txt", "new-crlf.txt"));
    }

    @Test
    void filesWithoutTrailingNewline() throws Exception {
        write(repo, "nonl.txt", "no newline at the end, still");
        write(repo, "README.md", "hello");
        write(repo, "fresh.txt", "no newline either");
        assertReproduced(List.of("README.md", "fresh.txt", "nonl.txt"));
    }

    @Test
    void nonUtf8Text() throws Exception {
        writeBytes(repo, "latin1.txt", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\n".getBytes(StandardCharsets.ISO_8859_1));
        assertReproduced(List.of("latin1.txt"));
    }

    @Test
    void emptyFilesCreatedAndEmptied() throws Exception {
        write(repo, "empty.txt", "");
        write(repo, "src/b.py", "");
        assertReproduced(List.of("empty.txt", "src/b.py"));
    }

    @Test
    void pathsWithSpacesQuotesAndNonAscii() throws Exception {
        write(repo, "my notes/r\u00e9sum\u00e9 \"v2\".txt", "text\n");
        write(repo, "with space.txt", "a b\n");
        write(repo, "\"quoted\" tab\tname.txt", "q\n");
        assertReproduced(List.of("\"quoted\" tab\tname.txt", "my notes/r\u00e9sum\u00e9 \"v2\".txt", "with space.txt"));
    }

    @Test
    void symbolicLink() throws Exception {
        Files.createSymbolicLink(repo.resolve("link-to-readme"), Path.of("README.md"));
        assertReproduced(List.of("link-to-readme"));
    }

    @Test
    void stagedRename() throws Exception {
        git(repo, "mv", "src/a.py", "src/renamed.py");
        GitProvenance provenance = assertReproduced(List.of("src/a.py", "src/renamed.py"));
        assertEquals(List.of(new GitRename("src/a.py", "src/renamed.py")), provenance.changes().renamed());
    }

    @Test
    void stagedAndUnstagedChangesToTheSameFile() throws Exception {
        write(repo, "src/a.py", numberedLines(1, 40) + "staged line\n");
        git.add().addFilepattern("src/a.py").call();
        write(repo, "src/a.py", "unstaged first line\n" + numberedLines(2, 40) + "staged line\n");
        write(repo, "src/c.py", "staged then edited\n");
        git.add().addFilepattern("src/c.py").call();
        write(repo, "src/c.py", "staged then edited, twice\n");
        Files.delete(repo.resolve("data/gone.bin"));
        writeBytes(repo, "data/blob.bin", binary(3100, 9));
        write(repo, "notes/todo.md", "- more\n");
        GitProvenance provenance = assertReproduced(
                List.of("data/blob.bin", "data/gone.bin", "notes/todo.md", "src/a.py", "src/c.py"));
        assertEquals(List.of("data/blob.bin", "src/a.py", "src/c.py"), provenance.changes().modified());
        assertEquals(List.of("src/a.py", "src/c.py"), provenance.changes().staged());
    }

    @Test
    void userDiffConfigDoesNotChangeThePatch() throws Exception {
        var config = git.getRepository().getConfig();
        config.setBoolean("diff", null, "noprefix", true);
        config.setBoolean("diff", null, "mnemonicPrefix", true);
        config.setString("diff", null, "renames", "copies");
        config.setString("diff", null, "algorithm", "minimal");
        config.setString("color", null, "ui", "always");
        config.save();
        write(repo, "src/a.py", "first\n" + numberedLines(2, 40));
        writeBytes(repo, "data/blob.bin", binary(100, 5));
        assertReproduced(List.of("data/blob.bin", "src/a.py"));
        String text = Files.readString(patch, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("diff --git a/data/blob.bin b/data/blob.bin\n"), text);
        assertTrue(text.contains("--- a/src/a.py\n+++ b/src/a.py\n"), text);
    }

    @Test
    void filesLargerThanTheTextLimitAreStreamedAsBinary() throws Exception {
        writeBytes(repo, "data/big.bin", binary(FilePatch.TEXT_LIMIT + 12345, 6));
        write(repo, "data/big.txt", numberedLines(1, 1_000_000));
        assertTrue(Files.size(repo.resolve("data/big.txt")) > FilePatch.TEXT_LIMIT);
        assertReproduced(List.of("data/big.bin", "data/big.txt"));
    }

    @Test
    void buildDirIsNeitherAChangeNorInThePatch() throws Exception {
        write(repo, "target/classes/out.class", "x");
        write(repo, "src/b.py", "print('c')\n");
        assertReproduced(List.of("src/b.py"));
        assertFalse(Files.readString(patch).contains("target/"));
    }

    /** Resolves, checks the listed changes, the patch's hash and size, and applies it twice. */
    private GitProvenance assertReproduced(List<String> changedPaths) throws Exception {
        Map<String, GitFixture.FileState> dirty = snapshot(repo, "target");
        GitProvenance provenance = new GitProvenanceResolver(new GitFixture.RecordingLog(), Map.of())
                .resolve(repo, repo.resolve("target"), patch);
        assertTrue(provenance.dirty());
        assertEquals(changedPaths, allPaths(provenance.changes()));
        byte[] bytes = Files.readAllBytes(patch);
        assertEquals(bytes.length, provenance.patchBytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                provenance.patchSha256());
        for (boolean index : new boolean[] {false, true}) {
            Path clone = cloneAt(provenance.commit());
            if (index) {
                git(clone, "apply", "--index", patch.toString());
            } else {
                git(clone, "apply", patch.toString());
            }
            assertEquals(dirty, snapshot(clone), "after git apply" + (index ? " --index" : ""));
        }
        assertEquals(dirty, snapshot(repo, "target"), "resolving must not touch the work tree");
        return provenance;
    }

    private Path cloneAt(String commit) {
        Path clone = tmp.resolve("clone-" + ++clones);
        git(tmp, "clone", "-q", "--no-checkout", repo.toString(), clone.toString());
        git(clone, "checkout", "-q", "--detach", commit);
        return clone;
    }

    private static List<String> allPaths(GitChanges changes) {
        TreeSet<String> paths = new TreeSet<>();
        paths.addAll(changes.modified());
        paths.addAll(changes.staged());
        paths.addAll(changes.deleted());
        paths.addAll(changes.untracked());
        changes.renamed().forEach(r -> {
            paths.add(r.from());
            paths.add(r.to());
        });
        return List.copyOf(paths);
    }

    static String numberedLines(int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i <= to; i++) {
            s.append("line ").append(i).append('\n');
        }
        return s.toString();
    }

    static byte[] binary(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        bytes[0] = 0;
        return bytes;
    }
}

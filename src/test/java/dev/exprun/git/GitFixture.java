package dev.exprun.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;

import dev.exprun.core.ExpLog;

/** Builds real repositories for the tests: with JGit, and with the git CLI where JGit cannot. */
final class GitFixture {
    static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.com", Instant.parse("2024-01-02T03:04:05Z"),
            ZoneOffset.UTC);

    private GitFixture() {
    }

    /** A repository on branch main, with settings pinned that a developer's ~/.gitconfig could change. */
    static Git init(Path dir) throws Exception {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        StoredConfig config = git.getRepository().getConfig();
        config.setBoolean("core", null, "autocrlf", false);
        config.setBoolean("core", null, "filemode", true);
        config.save();
        return git;
    }

    static RevCommit commitAll(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    }

    static Path write(Path root, String path, String content) {
        return writeBytes(root, path, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path writeBytes(Path root, String path, byte[] content) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the git CLI in dir, isolated from the user's and the system's git config; returns stdout. */
    static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(Arrays.asList(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> env = builder.environment();
            env.put("HOME", emptyHome().toString());
            env.put("XDG_CONFIG_HOME", emptyHome().toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_AUTHOR_NAME", "Test");
            env.put("GIT_AUTHOR_EMAIL", "test@example.com");
            env.put("GIT_COMMITTER_NAME", "Test");
            env.put("GIT_COMMITTER_EMAIL", "test@example.com");
            Path err = Files.createTempFile("git-err", ".txt");
            builder.redirectError(err.toFile());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("git " + String.join(" ", args) + " timed out");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            assertEquals(0, process.exitValue(), () -> "git " + String.join(" ", args) + " in " + dir + ": " + stderr);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path home;

    /** A HOME without a .gitconfig, so the developer's git settings cannot leak into the CLI runs. */
    private static synchronized Path emptyHome() throws IOException {
        if (home == null) {
            home = Files.createTempDirectory("exprun-git-home");
            home.toFile().deleteOnExit();
        }
        return home;
    }

    /** What a file is on disk: content (or link target), and whether it is executable or a link. */
    record FileState(String content, boolean executable, boolean link) {
    }

    /** Every file under root except .git and the given dirs (work-tree-relative, '/'-separated). */
    static Map<String, FileState> snapshot(Path root, String... skip) throws IOException {
        Map<String, FileState> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.isEmpty() || rel.equals(".git") || rel.startsWith(".git/") || skipped(rel, skip)
                        || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                files.put(rel, stateOf(p));
            }
        }
        return files;
    }

    private static boolean skipped(String rel, String[] skip) {
        for (String s : skip) {
            if (rel.equals(s) || rel.startsWith(s + "/")) {
                return true;
            }
        }
        return false;
    }

    private static FileState stateOf(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return new FileState(Files.readSymbolicLink(p).toString(), false, true);
        }
        byte[] bytes = Files.readAllBytes(p);
        return new FileState(describe(bytes), Files.isExecutable(p), false);
    }

    /** Short content is shown in hex, longer content by size and hash, so a failed comparison stays readable. */
    private static String describe(byte[] bytes) {
        if (bytes.length <= 48) {
            return HexFormat.of().formatHex(bytes);
        }
        try {
            return bytes.length + " bytes, sha256 "
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A log that keeps what it is given, for asserting on warnings. */
    static final class RecordingLog implements ExpLog {
        final List<String> infos = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> debugs = new ArrayList<>();

        @Override
        public void info(String message) {
            infos.add(message);
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }

        @Override
        public void debug(String message) {
            debugs.add(message);
        }
    }
}

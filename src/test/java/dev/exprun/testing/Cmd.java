package dev.exprun.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command (git, for situations JGit cannot make) and returns its output, failing loudly. */
public final class Cmd {
    private Cmd() {
    }

    public static String run(Path dir, String... command) {
        try {
            Path out = Files.createTempFile("cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("GIT_AUTHOR_NAME", "Test");
            pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.invalid");
            pb.environment().put("GIT_COMMITTER_NAME", "Test");
            pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.invalid");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            String text = Files.readString(out);
            Files.delete(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ": " + text);
            }
            return text.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

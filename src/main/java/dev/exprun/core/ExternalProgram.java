package dev.exprun.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs git or gpg the way the user's shell would, for what must use the user's own setup (ssh keys,
 * credential helpers, the gpg agent). Never waits for a prompt: stdin is the given bytes, then closed.
 */
public final class ExternalProgram {
    public record Result(int exit, byte[] out, String err) {
        public String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private ExternalProgram() {
    }

    public static Result run(Path dir, List<String> command, Map<String, String> extraEnv, byte[] stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(extraEnv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExpError("Cannot start " + command.get(0) + ": " + e.getMessage(),
                    "install " + command.get(0) + " and put it on the PATH of the build");
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the program ended without reading its input; its exit code and stderr say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ExpError(String.join(" ", command.subList(0, Math.min(2, command.size()))) + " did not finish in "
                        + timeout.toSeconds() + " s.", "check the network and that it does not wait for a password or passphrase");
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ExpError(command.get(0) + " was interrupted.", "run the build again", e);
        }
    }

    private static byte[] drain(InputStream stream) {
        try (stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stream.transferTo(buffer);
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

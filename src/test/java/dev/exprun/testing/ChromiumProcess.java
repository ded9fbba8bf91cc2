package dev.exprun.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** The headless Chromium process: its command line, its throw-away profile, the DevTools endpoint it names, its end with every child. */
final class ChromiumProcess {
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private final Path profile;
    private final Process process;

    private ChromiumProcess(Path executable, int proxyPort) throws IOException {
        profile = Files.createTempDirectory("exp-chromium-");
        process = new ProcessBuilder(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--proxy-server=http://127.0.0.1:" + proxyPort, "--proxy-bypass-list=<-loopback>",
                // Fewer background fetches: less noise on the browser's proxy, less CPU taken from the page's timings.
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--disable-features=Translate,MediaRouter,OptimizationHints,NetworkTimeServiceQuerying",
                "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(this::readStderr, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** Chromium with every background connection sent to the proxy on this port. */
    static ChromiumProcess start(Path executable, int proxyPort) {
        try {
            return new ChromiumProcess(executable, proxyPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
    }

    /** Named on stderr ("DevTools listening on ws://..."): awaited there, not polled for in the profile's DevToolsActivePort. */
    URI devToolsEndpoint() {
        return DevTools.await(endpoint, "Chromium's \"DevTools listening on\" line");
    }

    private void readStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                remember(line);
                if (line.startsWith("DevTools listening on ")) {
                    endpoint.complete(URI.create(line.substring("DevTools listening on ".length()).trim()));
                }
            }
        } catch (IOException e) {
            // the process is gone; the line below says so to whoever still waits
        }
        endpoint.completeExceptionally(new IllegalStateException("Chromium exited (" + exitCode() + ") before it listened; its stderr: "
                + stderrTail()));
    }

    /** Asks Chromium to close, gives it 10 s, then kills it and every child it had; deletes the profile. */
    void stop(Runnable askToClose) {
        // Children first on record: once the browser is gone they are reparented and no longer its descendants.
        List<ProcessHandle> children = process.descendants().toList();
        try {
            askToClose.run();
        } catch (RuntimeException e) {
            // a browser that crashed or stopped listening is killed below all the same
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.destroyForcibly();
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("a Chromium child process outlived its browser: " + e, e);
        } finally {
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete Chromium's profile " + profile, e);
        }
    }

    private void remember(String line) {
        synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > 30) {
                stderrTail.removeFirst();
            }
        }
    }

    private String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}

package dev.exprun.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the container engine the way testcontainers does: an ordered list of places, each of which
 * either yields an engine or says why it did not apply.
 *
 * <ol>
 *   <li>the configured {@code <dockerHost>} ({@code -Dexp.dockerHost});</li>
 *   <li>{@code DOCKER_HOST};</li>
 *   <li>the current docker context: {@code DOCKER_CONTEXT}, else {@code currentContext} in
 *       {@code $DOCKER_CONFIG/config.json} (else {@code ~/.docker/config.json}), resolved through the docker
 *       CLI's {@code contexts/meta/<sha256(name)>/meta.json}; the context {@code default} means "no context";</li>
 *   <li>the default Docker socket {@code unix:///var/run/docker.sock};</li>
 *   <li>the rootful Podman socket {@code unix:///run/podman/podman.sock};</li>
 *   <li>the rootless Podman socket {@code unix://$XDG_RUNTIME_DIR/podman/podman.sock}, when XDG_RUNTIME_DIR is set.</li>
 * </ol>
 *
 * <p>An engine chosen explicitly (1, 2 or 3) is the only candidate: when it does not answer the build
 * stops and names it, and never falls back to another engine. Runs are records of where they ran, and
 * a silent switch from the engine the user named to some local socket would make that record a lie.
 * Only when nothing was chosen are the default sockets (4 to 6) tried in order; the first that answers
 * wins. For the same reason a docker context that is named but cannot be resolved is an error, not a
 * reason to try the next place.
 *
 * <p>{@link #discover} is pure: it reads the docker CLI's files and opens no socket. {@link #locate}
 * asks each candidate in turn; for a unix socket a file check comes first, so a missing socket is
 * reported as such without the caller's HTTP client. Whether an engine really answers is the caller's
 * {@link Probe}, which keeps HTTP out of this class and lets the caller reuse its answer.
 */
public final class EngineLocator {
    static final String DEFAULT_DOCKER = "the default Docker socket";
    static final String ROOTFUL_PODMAN = "the rootful Podman socket";
    static final String ROOTLESS_PODMAN = "the rootless Podman socket";
    /** The files docker-java's TLS transport reads; it cannot use part of them. */
    private static final List<String> TLS_FILES = List.of("ca.pem", "cert.pem", "key.pem");

    private final Path dockerSocket;
    private final Path rootfulPodmanSocket;

    /** The real default sockets. */
    public EngineLocator() {
        this(Path.of("/var/run/docker.sock"), Path.of("/run/podman/podman.sock"));
    }

    /** Tests point the default sockets into a temp folder, so the machine's own engine is never found. */
    EngineLocator(Path dockerSocket, Path rootfulPodmanSocket) {
        this.dockerSocket = dockerSocket;
        this.rootfulPodmanSocket = rootfulPodmanSocket;
    }

    /** Asks one engine whether it answers, e.g. with one GET /_ping or /version. */
    @FunctionalInterface
    public interface Probe<T> {
        /**
         * Returns what the engine answered. Throws IOException, whose (root) message becomes the
         * reason in the error, when it does not answer; other exceptions are not "no answer" and
         * propagate, so wrap a transport's RuntimeException in an IOException.
         */
        T ask(EngineCandidate candidate) throws IOException;
    }

    /** The candidates in the order they are tried, and why each earlier place did not apply. */
    public record Discovery(List<EngineCandidate> candidates, List<String> notApplied) {
        public Discovery {
            candidates = List.copyOf(candidates);
            notApplied = List.copyOf(notApplied);
        }
    }

    /** A candidate that did not answer, and why. */
    public record Miss(EngineCandidate candidate, String reason) {
    }

    /** The engine that answered, its answer, and the candidates passed over before it (for the log). */
    public record Located<T>(EngineCandidate engine, T answer, List<Miss> passedOver) {
        public Located {
            passedOver = List.copyOf(passedOver);
        }
    }

    /** {@link #discover} then {@link #locate(Discovery, Probe)}. */
    public <T> Located<T> locate(String configured, Map<String, String> env, Path userHome, Probe<T> probe) {
        return locate(discover(configured, env, userHome), probe);
    }

    /** The ordered candidates; reads the docker CLI's config and context files, opens no socket. */
    public Discovery discover(String configured, Map<String, String> env, Path userHome) {
        List<String> notApplied = new ArrayList<>();
        EngineCandidate explicit = configured(configured, notApplied);
        if (explicit == null) {
            explicit = dockerHostVariable(env, notApplied);
        }
        if (explicit == null) {
            explicit = DockerContexts.current(env, userHome, notApplied);
        }
        if (explicit != null) {
            return new Discovery(List.of(explicit), notApplied);
        }
        return new Discovery(defaultSockets(env, notApplied), notApplied);
    }

    /** The first candidate that answers; an ExpError listing every candidate and its reason when none does. */
    public <T> Located<T> locate(Discovery discovery, Probe<T> probe) {
        List<Miss> misses = new ArrayList<>();
        for (EngineCandidate candidate : discovery.candidates()) {
            Optional<String> problem = socketProblem(candidate);
            if (problem.isPresent()) {
                misses.add(new Miss(candidate, problem.get()));
                continue;
            }
            try {
                return new Located<>(candidate, probe.ask(candidate), misses);
            } catch (IOException e) {
                misses.add(new Miss(candidate, EngineConnection.rootMessage(e)));
            }
        }
        throw noneAnswered(discovery, misses);
    }

    private static EngineCandidate configured(String configured, List<String> notApplied) {
        if (isBlank(configured)) {
            notApplied.add("<dockerHost> (-Dexp.dockerHost) is not set");
            return null;
        }
        String host = configured.trim();
        return new EngineCandidate(host, "<dockerHost>", null, true,
                "start the engine at " + host + ", or correct <dockerHost> (-Dexp.dockerHost), or remove it to use "
                        + "DOCKER_HOST, the docker context or the default sockets");
    }

    private static EngineCandidate dockerHostVariable(Map<String, String> env, List<String> notApplied) {
        String value = env.get("DOCKER_HOST");
        if (isBlank(value)) {
            notApplied.add("DOCKER_HOST is not set");
            return null;
        }
        String host = value.trim();
        return new EngineCandidate(host, "DOCKER_HOST", null, true,
                "start the engine at " + host + ", or correct DOCKER_HOST, or unset it to use the docker context or "
                        + "the default sockets (<dockerHost>, -Dexp.dockerHost, overrides it)");
    }

    private List<EngineCandidate> defaultSockets(Map<String, String> env, List<String> notApplied) {
        String fix = defaultFix();
        List<EngineCandidate> sockets = new ArrayList<>();
        sockets.add(new EngineCandidate(unix(dockerSocket), DEFAULT_DOCKER, null, false, fix));
        sockets.add(new EngineCandidate(unix(rootfulPodmanSocket), ROOTFUL_PODMAN, null, false, fix));
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (isBlank(runtimeDir)) {
            notApplied.add(ROOTLESS_PODMAN + ": XDG_RUNTIME_DIR is not set");
        } else {
            Path rootless = Path.of(runtimeDir.trim(), "podman", "podman.sock");
            sockets.add(new EngineCandidate(unix(rootless), ROOTLESS_PODMAN, null, false, fix));
        }
        return sockets;
    }

    private String defaultFix() {
        return "start Docker, or Podman's API service (as root: podman system service --time=0 " + unix(rootfulPodmanSocket)
                + "; rootless: systemctl --user start podman.socket), or point at a running engine with "
                + "<dockerHost> (-Dexp.dockerHost), DOCKER_HOST or docker context use <name>";
    }

    /**
     * A cheap look at a unix socket before the caller's HTTP probe: the common failures (nothing
     * there, a file in its place, no permission) get a plain reason. Other schemes pass.
     */
    static Optional<String> socketProblem(EngineCandidate candidate) {
        String path = candidate.unixSocketPath();
        if (path == null) {
            return Optional.empty();
        }
        Path socket = Path.of(path);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class); // follows links, as connect does
        } catch (NoSuchFileException e) {
            return Optional.of("no such socket");
        } catch (AccessDeniedException e) {
            return Optional.of("permission denied (this user cannot look into " + socket.getParent() + ")");
        } catch (IOException e) {
            return Optional.of("cannot check the socket: " + EngineConnection.rootMessage(e));
        }
        if (!isSocket(socket, attributes)) {
            return Optional.of("not a socket (" + (attributes.isDirectory() ? "a folder" : attributes.isRegularFile() ? "a regular file" : "a special file") + ")");
        }
        if (!Files.isWritable(socket)) {
            return Optional.of("permission denied (this user cannot write to the socket)");
        }
        return Optional.empty();
    }

    private static boolean isSocket(Path socket, BasicFileAttributes attributes) {
        try {
            int mode = (Integer) Files.getAttribute(socket, "unix:mode");
            return (mode & 0170000) == 0140000; // S_IFMT == S_IFSOCK
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return attributes.isOther(); // no unix view: a socket is at least not a file, folder or link
        }
    }

    private ExpError noneAnswered(Discovery discovery, List<Miss> misses) {
        if (misses.size() == 1 && misses.get(0).candidate().explicit()) {
            EngineCandidate engine = misses.get(0).candidate();
            return new ExpError("The container engine at " + engine.host() + ", chosen by " + engine.source()
                    + ", does not answer: " + misses.get(0).reason()
                    + ". An engine chosen explicitly is never replaced by another one.", engine.fix());
        }
        StringBuilder message = new StringBuilder("No container engine answers. Tried, in order:");
        for (Miss miss : misses) {
            message.append("\n  - ").append(miss.candidate().describe()).append(": ").append(miss.reason());
        }
        message.append("\nSkipped:");
        for (String reason : discovery.notApplied()) {
            message.append("\n  - ").append(reason);
        }
        return new ExpError(message.toString(), defaultFix());
    }

    static String unix(Path socket) {
        return "unix://" + socket.toAbsolutePath();
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * The docker CLI's contexts: which one is current, and what its meta.json says. Kept apart because
     * it is the only part that reads files.
     */
    static final class DockerContexts {
        private DockerContexts() {
        }

        /** The current context's engine, or null (with the reason noted) when there is none or it is {@code default}. */
        static EngineCandidate current(Map<String, String> env, Path userHome, List<String> notApplied) {
            Path configDir = isBlank(env.get("DOCKER_CONFIG")) ? userHome.resolve(".docker") : Path.of(env.get("DOCKER_CONFIG").trim());
            String name;
            String origin;
            String switchFix;
            String fromEnv = env.get("DOCKER_CONTEXT");
            if (!isBlank(fromEnv)) {
                name = fromEnv.trim();
                origin = "DOCKER_CONTEXT";
                switchFix = "run docker context ls to see the contexts, then set DOCKER_CONTEXT to one of them or unset it";
            } else {
                Path configJson = configDir.resolve("config.json");
                name = currentContextIn(configJson);
                if (name == null) {
                    notApplied.add("docker context: DOCKER_CONTEXT is not set and " + configJson
                            + (Files.exists(configJson) ? " names no currentContext" : " does not exist"));
                    return null;
                }
                origin = "currentContext in " + configJson;
                switchFix = "run docker context ls to see the contexts, then docker context use <name> "
                        + "(docker context use default for the default sockets)";
            }
            String source = "docker context '" + name + "' (" + origin + ")";
            if (name.equals("default")) {
                notApplied.add(source + " is the default engine, found through the default sockets");
                return null;
            }
            return resolve(configDir, name, source, switchFix);
        }

        /** currentContext from config.json; null when the file or the field is missing (the docker CLI's "no context"). */
        private static String currentContextIn(Path configJson) {
            if (!Files.exists(configJson)) {
                return null;
            }
            JsonNode current = read(configJson, "the docker CLI configuration",
                    "repair or remove " + configJson + ", or choose the engine with <dockerHost> (-Dexp.dockerHost) or DOCKER_HOST")
                    .get("currentContext");
            if (current == null || current.isNull()) {
                return null;
            }
            if (!current.isTextual()) {
                throw new ExpError("currentContext in " + configJson + " is not a context name: " + current,
                        "set it with docker context use <name>, or remove the field");
            }
            return isBlank(current.asText()) ? null : current.asText().trim();
        }

        private static EngineCandidate resolve(Path configDir, String name, String source, String switchFix) {
            String hash = sha256Hex(name);
            Path meta = configDir.resolve("contexts").resolve("meta").resolve(hash).resolve("meta.json");
            if (!Files.isRegularFile(meta)) {
                throw unresolved(source, meta, "does not exist", switchFix);
            }
            JsonNode docker = read(meta, source + "'s meta.json", switchFix).path("Endpoints").path("docker");
            String host = docker.path("Host").asText("");
            if (host.isBlank()) {
                throw unresolved(source, meta, "has no docker endpoint (Endpoints.docker.Host)", switchFix);
            }
            if (docker.path("SkipTLSVerify").asBoolean(false)) {
                // docker-java has no "TLS without verification": honouring the context is impossible, and
                // talking plain HTTP or verifying anyway would both differ from what the docker CLI does.
                throw new ExpError(source + " sets SkipTLSVerify (in " + meta + "), which this plugin does not support: "
                        + "it only talks TLS to an engine whose certificate it can check",
                        "recreate the context with the engine's ca, cert and key (docker context update " + name
                                + " --docker host=...,ca=...,cert=...,key=...), or choose another engine: " + switchFix);
            }
            Path tlsDir = configDir.resolve("contexts").resolve("tls").resolve(hash).resolve("docker");
            return new EngineCandidate(host.trim(), source, tlsMaterial(tlsDir, source, name), true,
                    "start the engine at " + host.trim() + ", or choose another engine: " + switchFix);
        }

        /** The context's TLS folder, or null when it has none; docker-java needs all of ca, cert and key. */
        private static Path tlsMaterial(Path tlsDir, String source, String name) {
            if (!Files.isDirectory(tlsDir)) {
                return null;
            }
            List<String> missing = TLS_FILES.stream().filter(f -> !Files.isRegularFile(tlsDir.resolve(f))).toList();
            if (!missing.isEmpty()) {
                throw new ExpError(source + " has TLS material in " + tlsDir + " without " + String.join(", ", missing)
                        + "; this plugin's TLS client needs ca.pem, cert.pem and key.pem together",
                        "recreate the context with all three (docker context update " + name
                                + " --docker host=...,ca=...,cert=...,key=...)");
            }
            return tlsDir;
        }

        private static JsonNode read(Path file, String what, String fix) {
            try {
                JsonNode root = RecordJson.MAPPER.readTree(file.toFile());
                if (root == null || !root.isObject()) {
                    throw new IOException("not a JSON object");
                }
                return root;
            } catch (IOException e) {
                throw new ExpError("Cannot read " + what + " " + file + ": " + EngineConnection.rootMessage(e), fix, e);
            }
        }

        private static ExpError unresolved(String source, Path meta, String problem, String fix) {
            return new ExpError("Cannot resolve " + source + ": " + meta + " " + problem, fix);
        }

        /** The folder name the docker CLI's context store uses: sha256 of the name, lower-case hex. */
        static String sha256Hex(String name) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}

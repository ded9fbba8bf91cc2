package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery and probing without an engine. Every path (home, default sockets, XDG_RUNTIME_DIR) points
 * into a temp folder, so the machine's own ~/.docker and /var/run/docker.sock are never seen.
 */
class EngineLocatorTest {
    @TempDir
    Path tmp;

    private Path home;
    private Path dockerSocket;
    private Path podmanSocket;
    private EngineLocator locator;
    private final List<ServerSocketChannel> servers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        dockerSocket = tmp.resolve("docker.sock");
        podmanSocket = tmp.resolve("podman.sock");
        locator = new EngineLocator(dockerSocket, podmanSocket);
    }

    @AfterEach
    void closeServers() throws IOException {
        for (ServerSocketChannel server : servers) {
            server.close();
        }
    }

    // ---- explicit choices ------------------------------------------------------------------------

    @Test
    void theConfiguredHostWinsOverEverything() throws IOException {
        writeContext(home.resolve(".docker"), "ci", "unix:///ctx.sock", false);
        Map<String, String> env = Map.of("DOCKER_HOST", "tcp://env:2375", "DOCKER_CONTEXT", "ci");

        List<EngineCandidate> candidates = locator.discover(" tcp://configured:2376 ", env, home).candidates();

        assertEquals(1, candidates.size());
        assertEquals("tcp://configured:2376", candidates.get(0).host());
        assertEquals("<dockerHost>", candidates.get(0).source());
        assertTrue(candidates.get(0).explicit());
    }

    @Test
    void aBlankConfiguredHostIsNotSet() {
        EngineLocator.Discovery discovery = locator.discover("  ", Map.of("DOCKER_HOST", "tcp://env:2375"), home);
        assertEquals("DOCKER_HOST", discovery.candidates().get(0).source());
        assertTrue(discovery.notApplied().get(0).contains("<dockerHost>"));
    }

    @Test
    void dockerHostWinsOverTheContextWhichIsThenNotEvenRead() {
        // The context does not exist: resolving it would be an error, so this also shows it is not looked at.
        List<EngineCandidate> candidates = locator.discover(null,
                Map.of("DOCKER_HOST", "tcp://env:2375", "DOCKER_CONTEXT", "missing"), home).candidates();
        assertEquals(List.of("tcp://env:2375"), candidates.stream().map(EngineCandidate::host).toList());
        assertEquals("DOCKER_HOST", candidates.get(0).source());
    }

    @Test
    void dockerContextVariableWinsOverCurrentContext() throws IOException {
        Path config = home.resolve(".docker");
        writeContext(config, "ci", "unix:///ci.sock", false);
        writeContext(config, "other", "unix:///other.sock", false);
        writeConfig(config, "other");

        EngineCandidate engine = only(locator.discover(null, Map.of("DOCKER_CONTEXT", "ci"), home));

        assertEquals("unix:///ci.sock", engine.host());
        assertEquals("docker context 'ci' (DOCKER_CONTEXT)", engine.source());
        assertTrue(engine.explicit());
    }

    @Test
    void currentContextComesFromDockerConfigWhenSet() throws IOException {
        Path config = tmp.resolve("cfg");
        writeContext(config, "ci", "tcp://ci:2375", false);
        writeConfig(config, "ci");
        // A different current context in ~/.docker, which DOCKER_CONFIG replaces.
        writeContext(home.resolve(".docker"), "home", "unix:///home.sock", false);
        writeConfig(home.resolve(".docker"), "home");

        EngineCandidate engine = only(locator.discover(null, Map.of("DOCKER_CONFIG", config.toString()), home));

        assertEquals("tcp://ci:2375", engine.host());
        assertEquals("docker context 'ci' (currentContext in " + config.resolve("config.json") + ")", engine.source());
    }

    @Test
    void currentContextComesFromTheHomeDockerFolderOtherwise() throws IOException {
        Path config = home.resolve(".docker");
        writeContext(config, "ci", "unix:///run/ci.sock", false);
        writeConfig(config, "ci");

        EngineCandidate engine = only(locator.discover(null, Map.of(), home));

        assertEquals("unix:///run/ci.sock", engine.host());
        assertEquals("docker context 'ci' (currentContext in " + config.resolve("config.json") + ")", engine.source());
        assertNull(engine.tlsDir());
    }

    @Test
    void contextsAreFoundUnderTheSha256OfTheirNameLikeTheDockerCli() throws IOException {
        // Written by hand, not through the helper, so the layout is checked rather than assumed twice.
        assertEquals("1b158839f8aa339e89bb50b1603e90ec68e0fd5565fe10a7cb32729fddf7070a", sha256("ci"));
        assertEquals(sha256("ci"), EngineLocator.DockerContexts.sha256Hex("ci"));
        Path meta = home.resolve(".docker/contexts/meta/1b158839f8aa339e89bb50b1603e90ec68e0fd5565fe10a7cb32729fddf7070a/meta.json");
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "{\"Name\":\"ci\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
                + "{\"Host\":\"unix:///var/run/ci.sock\",\"SkipTLSVerify\":false}}}");

        EngineCandidate engine = only(locator.discover(null, Map.of("DOCKER_CONTEXT", "ci"), home));

        assertEquals("unix:///var/run/ci.sock", engine.host());
    }

    @Test
    void theDefaultContextFallsThroughToTheDefaultSockets() throws IOException {
        Path config = home.resolve(".docker");
        writeConfig(config, "broken"); // DOCKER_CONTEXT=default overrides it, so it is never resolved

        EngineLocator.Discovery viaVariable = locator.discover(null, Map.of("DOCKER_CONTEXT", "default"), home);
        assertFalse(viaVariable.candidates().get(0).explicit());
        assertEquals(EngineLocator.DEFAULT_DOCKER, viaVariable.candidates().get(0).source());
        assertTrue(viaVariable.notApplied().stream().anyMatch(r -> r.contains("docker context 'default' (DOCKER_CONTEXT)")));

        writeConfig(config, "default");
        EngineLocator.Discovery viaConfig = locator.discover(null, Map.of(), home);
        assertEquals(EngineLocator.DEFAULT_DOCKER, viaConfig.candidates().get(0).source());
    }

    @Test
    void noConfigOrNoCurrentContextMeansNoContext() throws IOException {
        EngineLocator.Discovery noConfig = locator.discover(null, Map.of(), home);
        assertFalse(noConfig.candidates().get(0).explicit());
        assertTrue(noConfig.notApplied().stream().anyMatch(r -> r.endsWith("config.json does not exist")), noConfig.notApplied().toString());
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{}}");
        EngineLocator.Discovery discovery = locator.discover(null, Map.of(), home);
        assertFalse(discovery.candidates().get(0).explicit());
        assertTrue(discovery.notApplied().stream().anyMatch(r -> r.contains("names no currentContext")));
    }

    @Test
    void anUnknownContextIsAnErrorNamingItTheFileAndTheFix() throws IOException {
        ExpError viaVariable = assertThrows(ExpError.class,
                () -> locator.discover(null, Map.of("DOCKER_CONTEXT", "nope"), home));
        assertTrue(viaVariable.getMessage().contains("docker context 'nope' (DOCKER_CONTEXT)"), viaVariable.getMessage());
        assertTrue(viaVariable.getMessage().contains(
                home.resolve(".docker/contexts/meta").resolve(sha256("nope")).resolve("meta.json").toString()));
        assertTrue(viaVariable.fix().contains("docker context ls"), viaVariable.fix());
        assertTrue(viaVariable.fix().contains("unset"), viaVariable.fix());

        writeConfig(home.resolve(".docker"), "gone");
        ExpError viaConfig = assertThrows(ExpError.class, () -> locator.discover(null, Map.of(), home));
        assertTrue(viaConfig.getMessage().contains("docker context 'gone' (currentContext in"), viaConfig.getMessage());
        assertTrue(viaConfig.fix().contains("docker context use"), viaConfig.fix());
    }

    @Test
    void aContextWithoutADockerEndpointOrWithBrokenJsonIsAnError() throws IOException {
        Path meta = metaFile(home.resolve(".docker"), "ci");
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "{\"Name\":\"ci\",\"Endpoints\":{}}");
        ExpError noEndpoint = assertThrows(ExpError.class,
                () -> locator.discover(null, Map.of("DOCKER_CONTEXT", "ci"), home));
        assertTrue(noEndpoint.getMessage().contains("no docker endpoint"), noEndpoint.getMessage());
        assertTrue(noEndpoint.getMessage().contains(meta.toString()));

        Files.writeString(meta, "{not json");
        ExpError broken = assertThrows(ExpError.class,
                () -> locator.discover(null, Map.of("DOCKER_CONTEXT", "ci"), home));
        assertTrue(broken.getMessage().contains("docker context 'ci'"), broken.getMessage());
        assertTrue(broken.getMessage().contains(meta.toString()));
    }

    @Test
    void aBrokenConfigJsonIsAnErrorNotNoContext() throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":");
        ExpError error = assertThrows(ExpError.class, () -> locator.discover(null, Map.of(), home));
        assertTrue(error.getMessage().contains(home.resolve(".docker/config.json").toString()), error.getMessage());
    }

    @Test
    void theTlsFolderIsReportedWhenTheContextHasOne() throws IOException {
        Path config = home.resolve(".docker");
        writeContext(config, "secure", "tcp://ci:2376", true);

        EngineCandidate engine = only(locator.discover(null, Map.of("DOCKER_CONTEXT", "secure"), home));

        assertEquals(config.resolve("contexts/tls").resolve(sha256("secure")).resolve("docker"), engine.tlsDir());
    }

    @Test
    void partialTlsMaterialOrSkipTlsVerifyIsRefused() throws IOException {
        Path config = home.resolve(".docker");
        writeContext(config, "secure", "tcp://ci:2376", true);
        Files.delete(config.resolve("contexts/tls").resolve(sha256("secure")).resolve("docker/key.pem"));
        ExpError partial = assertThrows(ExpError.class,
                () -> locator.discover(null, Map.of("DOCKER_CONTEXT", "secure"), home));
        assertTrue(partial.getMessage().contains("without key.pem"), partial.getMessage());

        Path meta = metaFile(config, "insecure");
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "{\"Name\":\"insecure\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://x:2376\",\"SkipTLSVerify\":true}}}");
        ExpError skip = assertThrows(ExpError.class,
                () -> locator.discover(null, Map.of("DOCKER_CONTEXT", "insecure"), home));
        assertTrue(skip.getMessage().contains("SkipTLSVerify"), skip.getMessage());
    }

    // ---- default sockets -------------------------------------------------------------------------

    @Test
    void theDefaultSocketsComeInOrderWithRootlessPodmanOnlyUnderXdgRuntimeDir() {
        Path runtime = tmp.resolve("run-user");
        List<EngineCandidate> all = locator.discover(null, Map.of("XDG_RUNTIME_DIR", runtime.toString()), home).candidates();
        assertEquals(List.of(EngineLocator.DEFAULT_DOCKER, EngineLocator.ROOTFUL_PODMAN, EngineLocator.ROOTLESS_PODMAN),
                all.stream().map(EngineCandidate::source).toList());
        assertEquals(List.of("unix://" + dockerSocket, "unix://" + podmanSocket, "unix://" + runtime.resolve("podman/podman.sock")),
                all.stream().map(EngineCandidate::host).toList());
        assertTrue(all.stream().noneMatch(EngineCandidate::explicit));

        EngineLocator.Discovery noXdg = locator.discover(null, Map.of(), home);
        assertEquals(2, noXdg.candidates().size());
        assertTrue(noXdg.notApplied().stream().anyMatch(r -> r.contains("XDG_RUNTIME_DIR is not set")));
    }

    @Test
    void theRealDefaultsAreTheWellKnownSockets() {
        List<EngineCandidate> all = new EngineLocator().discover(null, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), home).candidates();
        assertEquals(List.of("unix:///var/run/docker.sock", "unix:///run/podman/podman.sock", "unix:///run/user/1000/podman/podman.sock"),
                all.stream().map(EngineCandidate::host).toList());
    }

    @Test
    void theFirstDefaultSocketThatAnswersWinsAndTheOthersAreReported() throws IOException {
        listen(podmanSocket);
        listen(tmp.resolve("run-user/podman/podman.sock"));

        EngineLocator.Located<String> found = locator.locate(null, Map.of("XDG_RUNTIME_DIR", tmp.resolve("run-user").toString()),
                home, EngineLocatorTest::connect);

        assertEquals(EngineLocator.ROOTFUL_PODMAN, found.engine().source());
        assertEquals("answered " + found.engine().host(), found.answer());
        assertEquals(1, found.passedOver().size());
        assertEquals(EngineLocator.DEFAULT_DOCKER, found.passedOver().get(0).candidate().source());
        assertEquals("no such socket", found.passedOver().get(0).reason());
    }

    @Test
    void whenNoneAnswersTheErrorListsEachCandidateWithItsReason() throws IOException {
        Files.writeString(dockerSocket, "a file where the socket should be");
        // podmanSocket does not exist.
        Path rootless = tmp.resolve("run-user/podman/podman.sock");
        listen(rootless).close(); // the socket file stays behind with nobody listening: a stale socket

        ExpError error = assertThrows(ExpError.class, () -> locator.locate(null,
                Map.of("XDG_RUNTIME_DIR", tmp.resolve("run-user").toString()), home, EngineLocatorTest::connect));

        String message = error.getMessage();
        assertTrue(message.contains("unix://" + dockerSocket + " (the default Docker socket): not a socket (a regular file)"), message);
        assertTrue(message.contains("unix://" + podmanSocket + " (the rootful Podman socket): no such socket"), message);
        assertTrue(message.contains("unix://" + rootless + " (the rootless Podman socket): Connection refused"), message);
        assertTrue(message.contains("DOCKER_HOST is not set"), message);
        assertTrue(error.fix().contains("podman system service --time=0 unix://" + podmanSocket), error.fix());
        assertTrue(error.fix().contains("<dockerHost> (-Dexp.dockerHost)"), error.fix());
        assertTrue(error.fix().contains("DOCKER_HOST"), error.fix());
        assertTrue(error.fix().contains("docker context use"), error.fix());
    }

    @Test
    void theProbeDecidesForALiveSocketAndItsReasonIsReported() throws IOException {
        listen(dockerSocket);
        listen(podmanSocket);
        List<String> asked = new ArrayList<>();

        ExpError error = assertThrows(ExpError.class, () -> locator.locate(null, Map.of(), home, candidate -> {
            asked.add(candidate.source());
            throw new IOException("wrapped", new IOException("HTTP 500 from /_ping"));
        }));

        assertEquals(List.of(EngineLocator.DEFAULT_DOCKER, EngineLocator.ROOTFUL_PODMAN), asked);
        assertTrue(error.getMessage().contains("(the default Docker socket): HTTP 500 from /_ping"), error.getMessage());
    }

    @Test
    void anExplicitEngineThatDoesNotAnswerIsNeverReplaced() throws IOException {
        listen(dockerSocket); // a working default socket that must not be used
        Path missing = tmp.resolve("missing.sock");
        List<String> asked = new ArrayList<>();

        ExpError error = assertThrows(ExpError.class, () -> locator.locate(null,
                Map.of("DOCKER_HOST", "unix://" + missing), home, candidate -> {
                    asked.add(candidate.host());
                    return "answered";
                }));

        assertEquals(List.of(), asked);
        assertTrue(error.getMessage().contains("unix://" + missing + ", chosen by DOCKER_HOST, does not answer: no such socket"),
                error.getMessage());
        assertTrue(error.fix().contains("DOCKER_HOST"), error.fix());
    }

    @Test
    void anExplicitTcpEngineGoesStraightToTheProbe() {
        EngineLocator.Located<String> found = locator.locate("tcp://build:2375", Map.of(), home, candidate -> "up");
        assertEquals("<dockerHost>", found.engine().source());
        assertEquals("up", found.answer());
        assertEquals("tcp://build:2375 (<dockerHost>)", found.engine().describe());
    }

    @Test
    void aProbeThatFailsForAnotherReasonIsNotMistakenForNoAnswer() throws IOException {
        listen(dockerSocket);
        IllegalStateException bug = new IllegalStateException("bug in the probe");
        assertSame(bug, assertThrows(IllegalStateException.class,
                () -> locator.locate(null, Map.of(), home, candidate -> {
                    throw bug;
                })));
    }

    /** (The unwritable-socket case cannot be tested here: the tests run as root, who may write to any socket.) */
    @Test
    void aFolderIsReportedBeforeTheProbe() throws IOException {
        Files.createDirectories(dockerSocket);
        assertEquals("not a socket (a folder)", EngineLocator.socketProblem(defaultCandidate(dockerSocket)).orElseThrow());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A probe that really connects, so a stale socket reports what the kernel says. */
    private static String connect(EngineCandidate candidate) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(candidate.unixSocketPath()))) {
            return "answered " + candidate.host();
        }
    }

    private ServerSocketChannel listen(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        servers.add(server);
        return server;
    }

    private static EngineCandidate defaultCandidate(Path socket) {
        return new EngineCandidate("unix://" + socket, "a test socket", null, false, "start it");
    }

    private static EngineCandidate only(EngineLocator.Discovery discovery) {
        assertEquals(1, discovery.candidates().size(), discovery.candidates().toString());
        return discovery.candidates().get(0);
    }

    private static void writeConfig(Path configDir, String currentContext) throws IOException {
        Files.createDirectories(configDir);
        Files.writeString(configDir.resolve("config.json"),
                "{\"auths\":{},\"currentContext\":\"" + currentContext + "\"}");
    }

    /** The layout `docker context create` writes. */
    private static void writeContext(Path configDir, String name, String host, boolean tls) throws IOException {
        Path meta = metaFile(configDir, name);
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\""
                + host + "\",\"SkipTLSVerify\":false}}}");
        if (tls) {
            Path dir = Files.createDirectories(configDir.resolve("contexts/tls").resolve(sha256(name)).resolve("docker"));
            for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
                Files.writeString(dir.resolve(file), "-----BEGIN PLACEHOLDER-----\n");
            }
        }
    }

    private static Path metaFile(Path configDir, String name) {
        return configDir.resolve("contexts/meta").resolve(sha256(name)).resolve("meta.json");
    }

    private static String sha256(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

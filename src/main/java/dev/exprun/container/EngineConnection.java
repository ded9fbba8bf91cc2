package dev.exprun.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.EngineInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection to a Docker-API engine (Docker or Podman), found as {@link EngineLocator} finds it.
 * The API version is negotiated from the engine's {@code /_ping}, as the docker CLI does: docker-java's
 * default (1.44) is newer than Podman 4 speaks (1.41), and older Dockers reject versions they do not know.
 * What the engine is ({@code /version} Components, {@code /info} runtimes and CDI) is asked in the
 * background: Podman 4.3 takes about 0.4 s to answer /version (it runs conmon and runc to fill it in),
 * time the build spends on git and the image meanwhile.
 */
public final class EngineConnection implements AutoCloseable {
    /** The newest API this client has been tested against; newer engines still accept it. */
    static final String MAX_CLIENT_API = "1.47";
    private static final long IDENTIFY_TIMEOUT_SECONDS = 60;
    private static final long INFO_TIMEOUT_SECONDS = 20;
    private static final long PING_TIMEOUT_SECONDS = 30;
    private static final Pattern ENGINE_MESSAGE = Pattern.compile("(?s)Status (\\d{3}): (\\{.*\\})\\s*");

    private final DockerClient client;
    private final DockerClientConfig config;
    private final EngineCandidate engine;
    private final CompletableFuture<EngineInfo> identity;
    private final List<String> passedOver;

    private EngineConnection(DockerClient client, DockerClientConfig config, EngineCandidate engine, CompletableFuture<EngineInfo> identity,
                             List<String> passedOver) {
        this.client = client;
        this.config = config;
        this.engine = engine;
        this.identity = identity;
        this.passedOver = passedOver;
    }

    /** The engine answered /_ping on this transport, speaking this API version. */
    private record Answer(DockerHttpClient http, String apiVersion) {
    }

    /**
     * configured: the {@code <dockerHost>} setting (blank: not set); env: the build's environment
     * (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, XDG_RUNTIME_DIR).
     */
    public static EngineConnection open(String configured, Map<String, String> env) {
        EngineLocator.Located<Answer> located = new EngineLocator().locate(configured, env, Path.of(System.getProperty("user.home")),
                candidate -> ping(candidate, env));
        EngineCandidate engine = located.engine();
        DockerHttpClient http = located.answer().http();
        String api = negotiate(located.answer().apiVersion());
        DockerClientConfig config = new EngineClientConfig(URI.create(engine.host()), api, sslConfig(engine, env), env.get("DOCKER_CONFIG"));
        CompletableFuture<EngineInfo> identity = new CompletableFuture<>();
        Thread identify = new Thread(() -> {
            try {
                identity.complete(identify(http, api, engine));
            } catch (Throwable e) {
                identity.completeExceptionally(e);
            }
        }, "exprun-engine-identity");
        identify.setDaemon(true);
        identify.start();
        List<String> passedOver = located.passedOver().stream().map(m -> m.candidate().describe() + ": " + m.reason()).toList();
        return new EngineConnection(DockerClientImpl.getInstance(config, http), config, engine, identity, passedOver);
    }

    private static Answer ping(EngineCandidate candidate, Map<String, String> env) throws IOException {
        DockerHttpClient http;
        try {
            http = transport(candidate, env);
        } catch (RuntimeException e) {
            throw new ExpError("The container engine address '" + candidate.host() + "' (" + candidate.source() + ") is not valid: "
                    + rootMessage(e), candidate.fix(), e);
        }
        // An engine that accepts the connection and never answers must not hang the build: the socket
        // transport has no read timeout, so the ping runs beside the build thread, which gives up on it.
        CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> ask(http), runnable -> {
            Thread t = new Thread(runnable, "exprun-engine-ping");
            t.setDaemon(true);
            t.start();
        });
        try {
            return answer.get(PING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            closeQuietly(http);
            throw new IOException("no answer to /_ping within " + PING_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(http);
            throw new IOException("interrupted while waiting for /_ping", e);
        } catch (ExecutionException e) {
            closeQuietly(http);
            throw new IOException(rootMessage(e), e.getCause());
        }
    }

    private static Answer ask(DockerHttpClient http) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path("/_ping").build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            body.readAllBytes();
            if (response.getStatusCode() != 200) {
                throw new java.io.UncheckedIOException(new IOException("HTTP " + response.getStatusCode() + " from /_ping"));
            }
            return new Answer(http, header(response, "Api-Version"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String header(DockerHttpClient.Response response, String name) {
        for (Map.Entry<String, List<String>> h : response.getHeaders().entrySet()) {
            if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return null;
    }

    /** Local sockets get the light transport; tcp:// (and TLS) engines docker-java's zerodep. */
    private static DockerHttpClient transport(EngineCandidate candidate, Map<String, String> env) {
        URI uri = URI.create(candidate.host());
        if ("unix".equals(uri.getScheme())) {
            return new UnixSocketHttpClient(Path.of(uri.getPath()));
        }
        if (!"tcp".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only unix:// and tcp:// addresses are supported");
        }
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create("tcp://" + uri.getAuthority()))
                .sslConfig(sslConfig(candidate, env))
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** TLS as the docker CLI sets it up: a context's TLS material, or DOCKER_TLS_VERIFY with DOCKER_CERT_PATH (default ~/.docker). */
    private static SSLConfig sslConfig(EngineCandidate candidate, Map<String, String> env) {
        if (!candidate.host().startsWith("tcp://")) {
            return null;
        }
        if (candidate.tlsDir() != null) {
            return new LocalDirectorySSLConfig(candidate.tlsDir().toString());
        }
        String verify = env.get("DOCKER_TLS_VERIFY");
        if (verify == null || verify.isBlank() || verify.equals("0")) {
            return null;
        }
        String certPath = env.get("DOCKER_CERT_PATH");
        return new LocalDirectorySSLConfig(certPath == null || certPath.isBlank()
                ? Path.of(System.getProperty("user.home"), ".docker").toString() : certPath);
    }

    /**
     * /version, then /info where it says more. Podman's /info costs about 0.3 s of CPU (and /version 0.4 s,
     * measured with Podman 4.3 on two cores) and adds nothing: it lists every runtime Podman knows of,
     * installed or not, and no CDI dirs; Podman's /version already names the runtime in use.
     */
    private static EngineInfo identify(DockerHttpClient http, String api, EngineCandidate engine) {
        JsonNode version;
        try {
            version = get(http, "/version");
        } catch (IOException | RuntimeException e) {
            throw new ExpError("The container engine at " + engine.describe() + " answered /_ping but not /version: " + rootMessage(e),
                    "check the engine's log; restart it if it hangs", e);
        }
        if (EngineIdentity.isPodman(version)) {
            return EngineIdentity.of(version, null, api);
        }
        CompletableFuture<JsonNode> info = CompletableFuture.supplyAsync(() -> {
            try {
                return get(http, "/info");
            } catch (IOException | RuntimeException e) {
                return null; // the runtimes stay unknown; what the engine is comes from /version
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "exprun-engine-info");
            t.setDaemon(true);
            t.start();
        }).completeOnTimeout(null, INFO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return EngineIdentity.of(version, info.join(), api);
    }

    private static JsonNode get(DockerHttpClient http, String path) throws IOException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + " from " + path);
            }
            return RecordJson.MAPPER.readTree(body);
        }
    }

    /**
     * Our maximum, lowered to the engine's, as the docker CLI negotiates from /_ping; an engine that
     * does not say gets our maximum (an engine too new for it refuses the call with its own message).
     */
    static String negotiate(String engineApi) {
        if (engineApi == null || !engineApi.matches("[0-9]+(\\.[0-9]+)*")) {
            return MAX_CLIENT_API;
        }
        return compare(engineApi, MAX_CLIENT_API) < 0 ? engineApi : MAX_CLIENT_API;
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    /**
     * The innermost message, as one line of the engine's own words: docker-java reports an engine's
     * refusal as {@code Status 500: {"message":"..."}} followed by a newline, which would otherwise
     * end up in records and logs as is.
     */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        Matcher m = ENGINE_MESSAGE.matcher(message.trim());
        if (m.matches()) {
            try {
                JsonNode json = RecordJson.MAPPER.readTree(m.group(2));
                if (json.path("message").isTextual()) {
                    return json.path("message").asText().trim() + " (HTTP " + m.group(1) + ")";
                }
            } catch (IOException ignored) {
                // Not JSON after all: keep the text.
            }
        }
        return message.trim();
    }

    public DockerClient client() {
        return client;
    }

    public DockerClientConfig config() {
        return config;
    }

    /** What the engine is; waits for the background identification (normally done by the time it is asked). */
    public EngineInfo info() {
        try {
            return identity.get(IDENTIFY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpError("Interrupted while asking the engine at " + host() + " what it is.", null, e);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new ExpError("Cannot identify the engine at " + host() + ": " + rootMessage(e), "check the engine's log", e);
        } catch (TimeoutException e) {
            throw new ExpError("The engine at " + host() + " did not say what it is (/version) within " + IDENTIFY_TIMEOUT_SECONDS + " s.",
                    "check that the engine is responsive (docker info)", e);
        }
    }

    /** Runs the action once the engine has said what it is (at once when it has), on whichever thread learns it. */
    public void whenIdentified(java.util.function.Consumer<EngineInfo> action) {
        identity.thenAccept(action);
    }

    /** What the engine is, when it has said so already; never waits. */
    public Optional<EngineInfo> infoIfKnown() {
        return identity.isDone() && !identity.isCompletedExceptionally() ? Optional.of(identity.join()) : Optional.empty();
    }

    public String host() {
        return engine.host();
    }

    /** The default sockets tried before this one and why each did not answer, for the debug log. */
    public List<String> passedOver() {
        return passedOver;
    }

    /** How the engine was found: DOCKER_HOST, a docker context, the default socket, ... */
    public String source() {
        return engine.source();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing a socket pool; nothing the build can do about it.
        }
    }

    private static void closeQuietly(DockerHttpClient http) {
        try {
            http.close();
        } catch (IOException | RuntimeException e) {
            // A transport that never answered.
        }
    }
}

package dev.exprun.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.EngineInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One connection to a Docker-API engine (Docker or Podman). The API version is negotiated with the
 * engine's unversioned {@code /version} endpoint, because docker-java's default (1.44) is newer than
 * what Podman 4 speaks (1.41) and older Dockers reject versions they do not know.
 */
public final class EngineConnection implements AutoCloseable {
    static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    /** The newest API this client has been tested against; newer engines still accept it. */
    static final String MAX_CLIENT_API = "1.47";

    private final DockerClient client;
    private final DefaultDockerClientConfig config;
    private final EngineInfo info;
    private final String host;

    private EngineConnection(DockerClient client, DefaultDockerClientConfig config, EngineInfo info, String host) {
        this.client = client;
        this.config = config;
        this.info = info;
        this.host = host;
    }

    /** Host from the explicit setting, else DOCKER_HOST, else the default socket. */
    public static String chooseHost(String configured, Map<String, String> env) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String fromEnv = env.get("DOCKER_HOST");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : DEFAULT_HOST;
    }

    public static EngineConnection open(String host) {
        return open(host, null);
    }

    /** dockerConfigDir: where config.json (registry logins) is; null = DOCKER_CONFIG or ~/.docker. */
    public static EngineConnection open(String host, String dockerConfigDir) {
        DefaultDockerClientConfig probeConfig;
        try {
            probeConfig = builder(host, dockerConfigDir).build();
        } catch (RuntimeException e) {
            throw new ExpError("The container engine address '" + host + "' is not valid: " + e.getMessage(),
                    "set <dockerHost> (-Dexp.dockerHost) or DOCKER_HOST to an address such as unix:///var/run/docker.sock", e);
        }
        DockerHttpClient http = transport(probeConfig);
        JsonNode version = probeVersion(http, host);
        String api = negotiate(text(version, "ApiVersion"), text(version, "MinAPIVersion"));
        DefaultDockerClientConfig config = builder(host, dockerConfigDir).withApiVersion(api).build();
        EngineInfo info = new EngineInfo(engineName(version), text(version, "Version"), api,
                text(version, "Os"), text(version, "Arch"));
        return new EngineConnection(DockerClientImpl.getInstance(config, http), config, info, host);
    }

    /** Local sockets get the light transport; tcp:// (and TLS) engines docker-java's zerodep. */
    private static DockerHttpClient transport(DefaultDockerClientConfig config) {
        java.net.URI uri = config.getDockerHost();
        if ("unix".equals(uri.getScheme())) {
            return new UnixSocketHttpClient(Path.of(uri.getPath()));
        }
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(uri)
                .sslConfig(config.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static DefaultDockerClientConfig.Builder builder(String host, String dockerConfigDir) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host);
        return dockerConfigDir == null || dockerConfigDir.isBlank() ? builder : builder.withDockerConfig(dockerConfigDir);
    }

    private static JsonNode probeVersion(DockerHttpClient http, String host) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/version").build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + " from /version");
            }
            return RecordJson.MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new ExpError("Cannot reach the container engine at " + host + ": " + rootMessage(e),
                    "start Docker or Podman's API service (podman system service), or point <dockerHost> "
                            + "(-Dexp.dockerHost) or DOCKER_HOST at a running engine", e);
        }
    }

    /** Our maximum, lowered to the engine's; refused when the engine needs a newer one than we know. */
    static String negotiate(String engineApi, String engineMinApi) {
        if (engineApi == null) {
            return MAX_CLIENT_API;
        }
        String chosen = compare(engineApi, MAX_CLIENT_API) < 0 ? engineApi : MAX_CLIENT_API;
        if (engineMinApi != null && compare(chosen, engineMinApi) < 0) {
            return engineMinApi;
        }
        return chosen;
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

    private static String engineName(JsonNode version) {
        for (JsonNode component : version.path("Components")) {
            String name = component.path("Name").asText("");
            if (name.toLowerCase().contains("podman")) {
                return "podman";
            }
        }
        return "docker";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    public DockerClient client() {
        return client;
    }

    public DefaultDockerClientConfig config() {
        return config;
    }

    public EngineInfo info() {
        return info;
    }

    public String host() {
        return host;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing a socket pool; nothing the build can do about it.
        }
    }
}

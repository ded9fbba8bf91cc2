package dev.exprun.container;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * docker-java's client configuration, without its configuration machinery: the host and API version
 * are already known (located, negotiated), so only registry logins need docker-java's reader of
 * config.json and credential helpers, and that is built the first time a pull asks for one. The
 * full default configuration (properties files, system properties, config.json) cost about half a
 * second of every build, most of which never pull.
 */
final class EngineClientConfig implements DockerClientConfig {
    private final URI host;
    private final RemoteApiVersion apiVersion;
    private final SSLConfig sslConfig;
    private final String dockerConfigDir;
    private volatile DefaultDockerClientConfig logins;

    /** dockerConfigDir: where config.json (registry logins) is; null = DOCKER_CONFIG or ~/.docker, as docker-java reads it. */
    EngineClientConfig(URI host, String apiVersion, SSLConfig sslConfig, String dockerConfigDir) {
        this.host = host;
        this.apiVersion = RemoteApiVersion.parseConfig(apiVersion);
        this.sslConfig = sslConfig;
        this.dockerConfigDir = dockerConfigDir;
    }

    private DefaultDockerClientConfig logins() {
        DefaultDockerClientConfig config = logins;
        if (config == null) {
            DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(host.toString()).withApiVersion(apiVersion);
            if (dockerConfigDir != null && !dockerConfigDir.isBlank()) {
                builder = builder.withDockerConfig(dockerConfigDir);
            }
            config = builder.build();
            logins = config;
        }
        return config;
    }

    @Override
    public URI getDockerHost() {
        return host;
    }

    @Override
    public RemoteApiVersion getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getRegistryUsername() {
        return null;
    }

    @Override
    public String getRegistryPassword() {
        return null;
    }

    @Override
    public String getRegistryEmail() {
        return null;
    }

    @Override
    public String getRegistryUrl() {
        return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return logins().effectiveAuthConfig(imageName);
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return logins().getAuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
        return sslConfig;
    }
}

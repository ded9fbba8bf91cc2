package dev.exprun.container;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One container engine the build may talk to, with where that choice came from.
 *
 * @param host     the Docker API address, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://ci:2376}
 * @param source   a short phrase for logs and errors: {@code DOCKER_HOST}, {@code the default Docker socket}, ...
 * @param tlsDir   the folder with ca.pem, cert.pem and key.pem for a TLS engine (from a docker context); null
 *                 when the context has no TLS material or the address came from elsewhere (docker-java reads
 *                 DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for DOCKER_HOST itself)
 * @param explicit true when the user chose this engine ({@code <dockerHost>}, DOCKER_HOST, a docker context):
 *                 it is then the only candidate and is never replaced by another engine
 * @param fix      how to make this engine answer or choose another one, for errors about this candidate
 */
public record EngineCandidate(String host, String source, Path tlsDir, boolean explicit, String fix) {
    public EngineCandidate {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fix, "fix");
    }

    /** The path of a unix:// address, or null for other schemes (tcp://, npipe://). */
    public String unixSocketPath() {
        return host.startsWith("unix://") ? host.substring("unix://".length()) : null;
    }

    /** For the log: {@code unix:///var/run/docker.sock (the default Docker socket)}. */
    public String describe() {
        return host + " (" + source + ")";
    }
}

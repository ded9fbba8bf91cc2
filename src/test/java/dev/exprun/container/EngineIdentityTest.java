package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an engine is, from the answers the two tested engines gave (Debian's docker.io 20.10.24, Podman 4.3.1), trimmed. */
class EngineIdentityTest {
    private static final String DOCKER_VERSION = """
            {"Platform": {"Name": ""}, "Components": [
              {"Name": "Engine", "Version": "20.10.24+dfsg1", "Details": {"ApiVersion": "1.41", "MinAPIVersion": "1.12"}},
              {"Name": "containerd", "Version": "1.6.20~ds1"}, {"Name": "runc", "Version": "1.1.5+ds1"},
              {"Name": "docker-init", "Version": "0.19.0"}],
             "Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64"}
            """;
    private static final String DOCKER_INFO = """
            {"Runtimes": {"io.containerd.runc.v2": {"path": "runc"}, "io.containerd.runtime.v1.linux": {"path": "runc"},
              "runc": {"path": "runc"}}, "DefaultRuntime": "runc"}
            """;
    private static final String PODMAN_VERSION = """
            {"Platform": {"Name": "linux/amd64/debian-12"}, "Components": [
              {"Name": "Podman Engine", "Version": "4.3.1", "Details": {"APIVersion": "4.3.1"}},
              {"Name": "Conmon", "Version": "conmon version 2.1.6, commit: unknown"},
              {"Name": "OCI Runtime (runc)", "Version": "runc version 1.1.5+ds1\\ncommit: 1.1.5+ds1-1+deb12u1\\nspec: 1.0.2-dev"}],
             "Version": "4.3.1", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64"}
            """;

    private static JsonNode json(String text) throws Exception {
        return RecordJson.MAPPER.readTree(text);
    }

    @Test
    void dockerIsTheEngineComponentWithItsRuntimesFromInfo() throws Exception {
        EngineInfo docker = EngineIdentity.of(json(DOCKER_VERSION), json(DOCKER_INFO), "1.41");
        assertEquals("docker", docker.name());
        assertEquals("20.10.24+dfsg1", docker.version());
        assertEquals(List.of("Engine 20.10.24+dfsg1", "containerd 1.6.20~ds1", "runc 1.1.5+ds1", "docker-init 0.19.0"), docker.components());
        assertEquals(List.of("io.containerd.runc.v2", "io.containerd.runtime.v1.linux", "runc"), docker.runtimes());
        assertEquals("runc", docker.defaultRuntime());
        assertNull(docker.cdiSpecDirs(), "20.10 has no CDI");
        assertFalse(docker.cdiEnabled());
        assertFalse(EngineIdentity.isPodman(json(DOCKER_VERSION)));
    }

    @Test
    void podmanIsThePodmanEngineComponentAndNamesItsRuntimeInVersion() throws Exception {
        assertTrue(EngineIdentity.isPodman(json(PODMAN_VERSION)));
        EngineInfo podman = EngineIdentity.of(json(PODMAN_VERSION), null, "1.41");
        assertEquals("podman", podman.name());
        assertEquals("4.3.1", podman.version());
        assertEquals(List.of("Podman Engine 4.3.1", "Conmon conmon version 2.1.6, commit: unknown",
                "OCI Runtime (runc) runc version 1.1.5+ds1"), podman.components(), "runc's version is its first line");
        assertEquals(List.of("runc"), podman.runtimes());
        assertEquals("runc", podman.defaultRuntime());
    }

    @Test
    void aNameStringAloneDoesNotMakeAnEngine() throws Exception {
        EngineInfo other = EngineIdentity.of(json("{\"Version\": \"1.0\", \"Platform\": {\"Name\": \"Docker Engine - Community\"}}"), null, "1.41");
        assertEquals("unknown", other.name(), "no Engine or Podman Engine component");
    }

    @Test
    void cdiIsOnWhenDockerReportsSpecDirs() throws Exception {
        EngineInfo docker28 = EngineIdentity.of(json(DOCKER_VERSION.replace("20.10.24+dfsg1", "28.2.2")),
                json("{\"Runtimes\": {\"runc\": {}}, \"DefaultRuntime\": \"runc\", \"CDISpecDirs\": [\"/etc/cdi\", \"/var/run/cdi\"]}"), "1.47");
        assertEquals(List.of("/etc/cdi", "/var/run/cdi"), docker28.cdiSpecDirs());
        assertTrue(docker28.cdiEnabled());
    }
}

package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.core.DockerClientImpl;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The create request exactly as docker-java builds it for the engine (nothing is sent: the client points
 * at no socket): a sweep's trial asks for its leased devices by id, never by count, with its limits.
 */
class ContainerRequestTest {
    private static final String UUID = "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e";
    private final DockerClient client = DockerClientImpl.getInstance(
            new EngineClientConfig(URI.create("unix:///nonexistent/exprun.sock"), "1.41", null, null),
            new UnixSocketHttpClient(Path.of("/nonexistent/exprun.sock")));

    private CreateContainerCmd request(GpuRequest gpus, GpuRequestMode mode, ContainerSpec.Limits limits) {
        return ContainerRunner.createCommand(client, new ContainerSpec("exp-t", "sha256:abc", List.of("true"), Map.of(), Map.of(),
                List.of(), "/", null, 64L << 20, null, gpus, mode, limits));
    }

    private static DeviceRequest only(CreateContainerCmd cmd) {
        List<DeviceRequest> requests = cmd.getHostConfig().getDeviceRequests();
        assertEquals(1, requests.size());
        return requests.get(0);
    }

    @Test
    void aTrialsLeasedDevicesGoAsDeviceIdsNeverACount() {
        DeviceRequest r = only(request(GpuRequest.devices(List.of("2")), GpuRequestMode.NVIDIA, ContainerSpec.Limits.NONE));
        assertEquals(List.of("2"), r.getDeviceIds());
        assertNull(r.getCount(), "ids and a count together are rejected by engines, and a count could be any GPU");
        assertEquals("", r.getDriver());
        assertEquals(List.of(List.of("gpu")), r.getCapabilities());
    }

    @Test
    void discoveredDevicesGoByUuid() {
        DeviceRequest r = only(request(GpuRequest.devices(List.of(UUID, "GPU-00000000-1111-2222-3333-444444444444")),
                GpuRequestMode.NVIDIA, ContainerSpec.Limits.NONE));
        assertEquals(List.of(UUID, "GPU-00000000-1111-2222-3333-444444444444"), r.getDeviceIds());
        assertNull(r.getCount());
    }

    @Test
    void asCdiTheDevicesAreNamed() {
        DeviceRequest r = only(request(GpuRequest.devices(List.of("0", UUID)), GpuRequestMode.CDI, ContainerSpec.Limits.NONE));
        assertEquals("cdi", r.getDriver());
        assertEquals(List.of("nvidia.com/gpu=0", "nvidia.com/gpu=" + UUID), r.getDeviceIds());
        assertNull(r.getCount());
    }

    @Test
    void deviceZeroIsADeviceNotNone() {
        assertEquals(List.of("0"), only(request(GpuRequest.devices(List.of("0")), GpuRequestMode.NVIDIA, ContainerSpec.Limits.NONE))
                .getDeviceIds());
    }

    @Test
    void cpuAndMemoryLimitsReachTheHostConfig() {
        CreateContainerCmd cmd = request(GpuRequest.parse("none"), null, new ContainerSpec.Limits(1_500_000_000L, 8L << 30));
        assertEquals(1_500_000_000L, cmd.getHostConfig().getNanoCPUs());
        assertEquals(8L << 30, cmd.getHostConfig().getMemory());
        assertEquals(8L << 30, cmd.getHostConfig().getMemorySwap(), "no swap on top: the limit is the limit");
        assertNull(cmd.getHostConfig().getDeviceRequests());
        CreateContainerCmd unlimited = request(GpuRequest.parse("none"), null, ContainerSpec.Limits.NONE);
        assertNull(unlimited.getHostConfig().getNanoCPUs());
        assertNull(unlimited.getHostConfig().getMemory());
    }
}

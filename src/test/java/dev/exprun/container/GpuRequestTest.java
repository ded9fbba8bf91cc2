package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.exprun.core.ExpError;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuRequestTest {
    private static final String UUID = "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e";

    private static EngineInfo engine(String name, String version, List<String> runtimes, List<String> cdiSpecDirs) {
        return new EngineInfo(name, version, "1.41", "linux", "amd64", List.of(), runtimes, "runc", cdiSpecDirs);
    }

    @Test
    void allIsCountMinusOneWithTheGpuCapability() {
        DeviceRequest all = GpuRequest.parse("all").deviceRequest(GpuRequestMode.NVIDIA);
        assertEquals("", all.getDriver());
        assertEquals(-1, all.getCount());
        assertNull(all.getDeviceIds());
        assertEquals(List.of(List.of("gpu")), all.getCapabilities());
        assertEquals("all", GpuRequest.parse("all").expected());
    }

    @Test
    void countsAndIdsAreNeverSentTogether() {
        DeviceRequest two = GpuRequest.parse("2").deviceRequest(GpuRequestMode.NVIDIA);
        assertEquals(2, two.getCount());
        assertNull(two.getDeviceIds());
        DeviceRequest ids = GpuRequest.parse("0,1").deviceRequest(GpuRequestMode.NVIDIA);
        assertNull(ids.getCount());
        assertEquals(List.of("0", "1"), ids.getDeviceIds());
        assertEquals("=2", GpuRequest.parse("0,1").expected());
    }

    @Test
    void cdiNamesTheDevicesWithTheCdiDriver() {
        DeviceRequest all = GpuRequest.parse("all").deviceRequest(GpuRequestMode.CDI);
        assertEquals("cdi", all.getDriver());
        assertEquals(List.of("nvidia.com/gpu=all"), all.getDeviceIds());
        assertNull(all.getCount());
        assertEquals(List.of("nvidia.com/gpu=0", "nvidia.com/gpu=" + UUID),
                GpuRequest.parse("0," + UUID).deviceRequest(GpuRequestMode.CDI).getDeviceIds());
        assertEquals(List.of("nvidia.com/gpu=1"), GpuRequest.parse("nvidia.com/gpu=1").deviceRequest(GpuRequestMode.CDI).getDeviceIds());
        ExpError count = assertThrows(ExpError.class, () -> GpuRequest.parse("2").deviceRequest(GpuRequestMode.CDI));
        assertTrue(count.getMessage().startsWith("gpus=2 is a count, and a CDI request names devices"), count.getMessage());
        ExpError cdiNameAsNvidia = assertThrows(ExpError.class, () -> GpuRequest.parse("nvidia.com/gpu=0").deviceRequest(GpuRequestMode.NVIDIA));
        assertTrue(cdiNameAsNvidia.fix().contains("-Dexp.gpuRequest=cdi"), cdiNameAsNvidia.fix());
    }

    @Test
    void deviceIdsKeepTheirCaseKeywordsDoNot() {
        assertEquals(List.of(UUID, "MIG-GPU-5bd0a2f8/1/0"), GpuRequest.parse(UUID + ",MIG-GPU-5bd0a2f8/1/0").deviceIds());
        assertEquals("all", GpuRequest.parse("ALL").text());
        assertFalse(GpuRequest.parse("None").requested());
    }

    @Test
    void aTypoIsRefusedNotSentAsADeviceId() {
        ExpError typo = assertThrows(ExpError.class, () -> GpuRequest.parse("al"));
        assertEquals("The gpus setting 'al' is not understood: 'al' is not a device index (0), a GPU UUID (GPU-...), a MIG device "
                + "or a CDI name (nvidia.com/gpu=0).", typo.getMessage());
        assertTrue(typo.fix().contains("nvidia-smi -L"), typo.fix());
        assertThrows(ExpError.class, () -> GpuRequest.parse("0,gpu1"));
        assertThrows(ExpError.class, () -> GpuRequest.parse("lots!"));
        assertThrows(ExpError.class, () -> GpuRequest.parse("0,"));
    }

    @Test
    void noneAndBadValues() {
        assertFalse(GpuRequest.parse("none").requested());
        assertFalse(GpuRequest.parse(null).requested());
        assertThrows(ExpError.class, () -> GpuRequestMode.parse("nvdia"));
        assertEquals(GpuRequestMode.AUTO, GpuRequestMode.parse(null));
    }

    @Test
    void autoPicksWhatTheIdentifiedEngineSupports() {
        GpuRequest all = GpuRequest.parse("all");
        assertEquals(GpuRequestMode.NVIDIA, GpuRequestMode.AUTO.resolve(engine("docker", "20.10.24", List.of("runc"), null), all),
                "Docker without CDI: what docker run --gpus sends");
        assertEquals(GpuRequestMode.CDI, GpuRequestMode.AUTO.resolve(engine("docker", "28.2.2", List.of("runc"), List.of("/etc/cdi")), all),
                "Docker with CDI on and no NVIDIA runtime");
        assertEquals(GpuRequestMode.NVIDIA, GpuRequestMode.AUTO.resolve(
                engine("docker", "28.2.2", List.of("nvidia", "runc"), List.of("/etc/cdi")), all), "the toolkit's runtime is registered");
        assertEquals(GpuRequestMode.NVIDIA, GpuRequestMode.AUTO.resolve(engine("podman", "4.3.1", List.of("runc"), null), all));
        assertEquals(GpuRequestMode.CDI, GpuRequestMode.AUTO.resolve(engine("podman", "5.4.0", List.of("crun"), null), all));
        assertEquals(GpuRequestMode.CDI, GpuRequestMode.AUTO.resolve(engine("docker", "20.10.24", List.of("runc"), null),
                GpuRequest.parse("nvidia.com/gpu=0")), "CDI names ask for CDI");
        assertEquals(GpuRequestMode.CDI, GpuRequestMode.CDI.resolve(engine("docker", "20.10.24", null, null), all), "explicit wins");
        assertEquals(GpuRequestMode.NVIDIA, GpuRequestMode.AUTO.resolve(engine("podman", "5.4.0", List.of("crun"), null),
                GpuRequest.parse("2")), "a count goes as --gpus does, never as CDI names");
    }

    @Test
    void theEnginesRefusalsBecomeOneErrorWithTheirOwnFix() {
        EngineInfo docker = engine("docker", "20.10.24+dfsg1", List.of("runc"), null);
        GpuRequestRefused noDriver = GpuRequestRefused.explain("could not select device driver \"\" with capabilities: [[gpu]] (HTTP 500)",
                GpuRequest.parse("all"), GpuRequestMode.NVIDIA, docker, null);
        assertEquals("docker 20.10.24+dfsg1 refused the GPU request (gpus=all, gpuRequest=nvidia): it has no NVIDIA device driver "
                + "registered (could not select device driver \"\" with capabilities: [[gpu]] (HTTP 500)). Training was not started.",
                noDriver.getMessage());
        assertTrue(noDriver.fix().startsWith("install the NVIDIA Container Toolkit"), noDriver.fix());
        GpuRequestRefused noCdi = GpuRequestRefused.explain("could not select device driver \"cdi\" with capabilities: []",
                GpuRequest.parse("all"), GpuRequestMode.CDI, docker, null);
        assertTrue(noCdi.getMessage().contains("CDI is not enabled"), noCdi.getMessage());
        assertTrue(noCdi.fix().contains("\"features\": {\"cdi\": true}"), noCdi.fix());
        GpuRequestRefused unknown = GpuRequestRefused.explain("unresolvable CDI devices nvidia.com/gpu=7", GpuRequest.parse("7"),
                GpuRequestMode.CDI, engine("docker", "28.2.2", List.of("runc"), List.of("/etc/cdi")), null);
        assertTrue(unknown.fix().contains("nvidia-ctk cdi list"), unknown.fix());
        assertNull(GpuRequestRefused.explain("no such file or directory: /workspace", GpuRequest.parse("all"), GpuRequestMode.NVIDIA,
                docker, null), "other refusals keep their own message");
    }

    @Test
    void anEnginesJsonRefusalIsOneLineOfItsOwnWords() {
        RuntimeException fromDockerJava = new RuntimeException("Status 500: {\"message\":\"could not select device driver \\\"\\\" "
                + "with capabilities: [[gpu]]\"}\n");
        assertEquals("could not select device driver \"\" with capabilities: [[gpu]] (HTTP 500)", EngineConnection.rootMessage(fromDockerJava));
        assertEquals("plain", EngineConnection.rootMessage(new RuntimeException(new IllegalStateException("plain\n"))));
    }

    @Test
    void apiVersionNegotiation() {
        assertEquals("1.41", EngineConnection.negotiate("1.41"), "podman 4.3 and docker 20.10");
        assertEquals("1.47", EngineConnection.negotiate("1.52"), "a newer docker gets our newest");
        assertEquals("1.47", EngineConnection.negotiate(null), "an engine that does not say");
        assertEquals("1.47", EngineConnection.negotiate("garbage"));
    }

    @Test
    void versionsCompareByNumber() {
        assertTrue(EngineIdentity.atLeast("28.2.1", 28, 2));
        assertTrue(EngineIdentity.atLeast("5.10.0", 5, 4));
        assertFalse(EngineIdentity.atLeast("5.3.2", 5, 4));
        assertFalse(EngineIdentity.atLeast("20.10.24+dfsg1", 28, 2));
        assertFalse(EngineIdentity.atLeast(null, 1, 0));
    }
}

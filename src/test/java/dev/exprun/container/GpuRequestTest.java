package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.exprun.core.ExpError;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuRequestTest {
    @Test
    void allIsCountMinusOneWithTheGpuCapability() {
        DeviceRequest all = GpuRequest.parse("all").deviceRequest().orElseThrow();
        assertEquals(-1, all.getCount());
        assertNull(all.getDeviceIds());
        assertEquals(List.of(List.of("gpu")), all.getCapabilities());
        assertEquals("all", GpuRequest.parse("all").expected());
    }

    @Test
    void countsAndIdsAreNeverSentTogether() {
        DeviceRequest two = GpuRequest.parse("2").deviceRequest().orElseThrow();
        assertEquals(2, two.getCount());
        assertNull(two.getDeviceIds());
        DeviceRequest ids = GpuRequest.parse("0,1").deviceRequest().orElseThrow();
        assertNull(ids.getCount());
        assertEquals(List.of("0", "1"), ids.getDeviceIds());
        assertEquals("2", GpuRequest.parse("0,1").expected());
    }

    @Test
    void deviceIdsKeepTheirCaseKeywordsDoNot() {
        assertEquals(List.of("GPU-8a3f", "MIG-1"), GpuRequest.parse("GPU-8a3f,MIG-1").deviceIds());
        assertEquals("all", GpuRequest.parse("ALL").text());
        assertFalse(GpuRequest.parse("None").requested());
    }

    @Test
    void noneAndBadValues() {
        assertFalse(GpuRequest.parse("none").requested());
        assertFalse(GpuRequest.parse(null).requested());
        assertThrows(ExpError.class, () -> GpuRequest.parse("lots!"));
    }

    @Test
    void apiVersionNegotiation() {
        assertEquals("1.41", EngineConnection.negotiate("1.41", "1.24"), "podman 4.3");
        assertEquals("1.47", EngineConnection.negotiate("1.52", "1.44"), "a newer docker gets our newest");
        assertEquals("1.44", EngineConnection.negotiate("1.43", "1.44"));
    }
}

package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's nvidia-smi CSV (--query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits), as a GPU host prints it. */
class GpuDiscoveryTest {
    @Test
    void eachLineIsOneGpu() {
        List<GpuDevice> devices = GpuDiscovery.parse(List.of(
                "0, GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e, NVIDIA H200, 143771",
                "1, GPU-00000000-1111-2222-3333-444444444444, NVIDIA H100 80GB HBM3, 81559"));
        assertEquals(List.of(new GpuDevice(0, "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e", "NVIDIA H200", 143771L),
                new GpuDevice(1, "GPU-00000000-1111-2222-3333-444444444444", "NVIDIA H100 80GB HBM3", 81559L)), devices);
    }

    @Test
    void aNameWithACommaStaysWholeAndOtherLinesAreSkipped() {
        List<GpuDevice> devices = GpuDiscovery.parse(List.of(
                "WARNING: infoROM is corrupted at gpu 0000:04:00.0",
                "0, GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e, Tesla T4, rev, 15360",
                "no nvidia-smi in the container: the engine gave it no GPUs"));
        assertEquals(List.of(new GpuDevice(0, "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e", "Tesla T4, rev", 15360L)), devices);
    }

    @Test
    void memoryNotReportedIsUnknown() {
        assertEquals(List.of(new GpuDevice(2, "MIG-abc", "NVIDIA A100", null)),
                GpuDiscovery.parse(List.of("2, MIG-abc, NVIDIA A100, [N/A]")));
    }
}

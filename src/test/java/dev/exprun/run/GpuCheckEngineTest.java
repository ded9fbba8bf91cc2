package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.ImageReference;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.Mount;
import dev.exprun.container.PullPolicy;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.record.RunId;
import dev.exprun.record.RunRecord.GpuInfo;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-container GPU check (gpu-check.sh) in a real container, reading what nvidia-smi prints. CI has
 * no GPU, so the two things the NVIDIA toolkit would put into the container are stood in for: a device
 * node, and an nvidia-smi that prints what the real one prints on an H200 (its documented CSV query and
 * its banner). The script and its parser are the real ones; only the toolkit's part is a stand-in.
 */
class GpuCheckEngineTest {
    private static final String UUID = "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e";
    private static final String NVIDIA_SMI = """
            #!/bin/sh
            case "$*" in
              *--query-gpu=index,uuid,memory.total,driver_version,name*)
                echo "0, %s, 143771, 580.95.05, NVIDIA H200" ;;
              "")
                echo "| NVIDIA-SMI 580.95.05              Driver Version: 580.95.05      CUDA Version: 13.0     |" ;;
              *) exit 2 ;;
            esac
            """.formatted(UUID);

    @TempDir
    Path tmp;

    private ContainerOutcome check(String want, boolean withNvidiaSmi, List<String> lines) throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        RuntimeFiles.install(lib);
        List<Mount> mounts = new ArrayList<>(List.of(new Mount(lib, RunDirectory.CONTAINER_LIB, true),
                new Mount(Files.createFile(tmp.resolve("nvidia0")), "/dev/nvidia0", true)));
        if (withNvidiaSmi) {
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Files.writeString(bin.resolve("nvidia-smi"), NVIDIA_SMI);
            Files.setPosixFilePermissions(bin.resolve("nvidia-smi"), PosixFilePermissions.fromString("rwxr-xr-x"));
            mounts.add(new Mount(bin, "/usr/local/bin", true));
        }
        String runId = RunId.next(Instant.now());
        try (EngineConnection engine = TestEngine.open()) {
            var image = new ImageResolver(engine, new CapturingLog(), Map.of()).resolve(ImageReference.parse(TestEngine.TINY), PullPolicy.NEVER);
            ContainerSpec spec = new ContainerSpec("exp-gpucheck-" + runId, image.imageId(),
                    GpuCheck.wrap(List.of("echo", "training"), GpuRequest.parse(want)), Map.of(),
                    ContainerRunner.labels(runId, "test:gpucheck", null, BuildIdentity.current(), null), mounts, "/", null, 64L << 20,
                    null, GpuRequest.parse("none"), null, ContainerSpec.Limits.NONE);
            try (ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> { })) {
                return new ContainerRunner(engine, new CapturingLog()).run(spec, tmp.resolve(runId + ".log"),
                        (err, line) -> lines.add(line), Duration.ofMinutes(1), guard);
            }
        }
    }

    @Test
    void eachGpuIsRecordedAsNvidiaSmiDescribesIt() throws Exception {
        List<String> lines = new ArrayList<>();
        ContainerOutcome outcome = check("1", true, lines);
        assertEquals(0, outcome.exitCode(), lines.toString());
        assertEquals(List.of("exprun-gpu-check: visible=1 devices=nvidia0 names=NVIDIA H200;",
                "exprun-gpu-check: gpu index=0 uuid=" + UUID + " memory_mib=143771 driver=580.95.05 cuda=13.0 name=NVIDIA H200",
                "training"), lines);
        GpuCheck.Result result = GpuCheck.parseOutput(String.join("\n", lines));
        assertFalse(result.failed());
        assertEquals(List.of(new GpuInfo(0, UUID, "NVIDIA H200", 143771L, "580.95.05", "13.0")), result.seen().gpus());
        assertEquals("1 (NVIDIA H200 (driver 580.95.05, CUDA 13.0))", result.describe());
    }

    @Test
    void withoutNvidiaSmiOnlyTheDeviceCountIsKnown() throws Exception {
        List<String> lines = new ArrayList<>();
        ContainerOutcome outcome = check("2", false, lines);
        assertEquals(86, outcome.exitCode(), "two asked, one seen: training does not start");
        // The FAILED line is on stderr: the engine keeps no order between the two streams.
        assertEquals(List.of("exprun-gpu-check: FAILED requested=2 visible=1", "exprun-gpu-check: visible=1 devices=nvidia0 names="),
                lines.stream().sorted().toList());
        GpuCheck.Result result = GpuCheck.parseOutput(String.join("\n", lines));
        assertTrue(result.failed());
        assertEquals(1, result.seen().count());
        assertEquals(List.of(), result.seen().gpus());
        assertNull(GpuCheck.parseOutput("training\n"), "no check ran");
    }

    @Test
    void aTrialSeesExactlyTheGpuItLeasedByUuid() throws Exception {
        List<String> lines = new ArrayList<>();
        ContainerOutcome outcome = check(UUID, true, lines);
        assertEquals(0, outcome.exitCode(), lines.toString());
        assertEquals("training", lines.get(lines.size() - 1));
    }

    @Test
    void anotherGpuThanTheLeasedOneStopsTheTrial() throws Exception {
        List<String> lines = new ArrayList<>();
        String other = "GPU-00000000-1111-2222-3333-444444444444";
        ContainerOutcome outcome = check(other, true, lines);
        assertEquals(86, outcome.exitCode(), lines.toString());
        assertTrue(lines.contains("exprun-gpu-check: FAILED requested=" + other + " missing=" + other), lines.toString()); // (stderr)
        assertFalse(lines.contains("training"), lines.toString());
    }

    @Test
    void namedDevicesMustBeExactlyThoseSeen() throws Exception {
        List<String> lines = new ArrayList<>();
        ContainerOutcome outcome = check("0,1", false, lines);
        assertEquals(86, outcome.exitCode(), lines.toString());
        assertTrue(lines.contains("exprun-gpu-check: FAILED requested==2 visible=1"), lines.toString()); // (stderr)
        assertFalse(lines.contains("training"), lines.toString());
    }
}

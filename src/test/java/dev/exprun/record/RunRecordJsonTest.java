package dev.exprun.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RunRecord.ContainerInfo;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.record.RunRecord.GpusSeen;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ImageInfo;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunRecord.ProjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordJsonTest {
    @TempDir
    Path dir;

    static RunRecord sample() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_acc", 0.932);
        metrics.put("loss", Double.NaN);
        metrics.put("grad", Double.POSITIVE_INFINITY);
        return new RunRecord(RunRecord.SCHEMA, "20261122-060000-000-0a1b2c3d", RunStatus.SUCCEEDED, 0, null,
                new ProjectInfo("org.example", "model", "1.0"), GitProvenance.none(Path.of("/tmp/p")),
                new ImageInfo("localhost/x:1", "sha256:" + "a".repeat(64), "repo-digest", "sha256:" + "b".repeat(64), false),
                new ContainerInfo("exp-r", "cid", List.of("python3", "train.py"), "1000:1000", "/workspace", "/src", "ro", "all",
                        new GpusSeen(1, List.of("nvidia0"), List.of("NVIDIA H100")), 2L << 30, null, List.of("HF_TOKEN"), "90m"),
                Map.of("lr", 0.01, "epochs", 3, "name", "x"), metrics,
                List.of(new OutputFile("best.pt", "model", "pt", 12, "c".repeat(64))),
                new EngineInfo("podman", "4.3.1", "1.41", "linux", "amd64"),
                new HostInfo("Linux", "amd64", "17", "3.9.16", "0.1.0"), "2026-11-22T06:00:00Z", "2026-11-22T06:01:00Z", 60000L);
    }

    @Test
    void roundTripsThroughTheFileIncludingNaNAndInfinity() {
        RunRecord record = sample();
        Path file = dir.resolve("run.json");
        RecordJson.writeAtomically(file, record);
        RunRecord back = RecordJson.read(file, RunRecord.class);
        assertEquals(record.withResults(null, null), back.withResults(null, null));
        assertTrue(back.metrics().get("loss").isNaN());
        assertEquals(Double.POSITIVE_INFINITY, back.metrics().get("grad"));
        assertEquals(0.932, back.metrics().get("val_acc"));
        assertEquals(record.outputs(), back.outputs());
    }

    @Test
    void writesStandardJsonWithTheSchemaAndNoTempFileLeft() throws Exception {
        Path file = dir.resolve("run.json");
        RecordJson.writeAtomically(file, sample());
        JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertEquals("exprun.run/v1", tree.get("schema").asText());
        assertEquals("succeeded", tree.get("status").asText());
        assertEquals("NaN", tree.get("metrics").get("loss").asText());
        assertEquals(List.of("run.json"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void runIdsSortByTimeAndDoNotCollide() {
        Instant t = Instant.parse("2026-11-22T06:00:00.123Z");
        String a = RunId.next(t);
        String b = RunId.next(t.plusMillis(1));
        assertTrue(a.startsWith("20261122-060000-123-"), a);
        assertTrue(a.compareTo(b) < 0);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RunId.next(t));
        }
        assertEquals(10_000, ids.size());
        assertTrue(a.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+"), "usable as a container name");
    }
}

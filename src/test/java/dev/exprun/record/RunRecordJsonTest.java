package dev.exprun.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordJsonTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughTheFileIncludingNaNAndInfinity() {
        RunRecord record = Records.sample();
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
    void aCachedRunKeepsItsKeyPartsAndWhereItCameFrom() {
        RunRecord.CacheKey key = new RunRecord.CacheKey("k".repeat(64), List.of("train.py", "src/**"),
                new java.util.LinkedHashMap<>(Map.of("tree", "t".repeat(64), "params", "p".repeat(64))));
        RunRecord record = new RunRecord(RunRecord.SCHEMA, "run-2", RunStatus.SUCCEEDED, 0, null, null, Records.sample().git(), null,
                null, Map.of(), Map.of(), List.of(), null, null, "2026-11-30T10:00:00Z", null, null, null, null, null, null, null,
                "run-1", key);
        Path file = dir.resolve("run.json");
        RecordJson.writeAtomically(file, record);
        RunRecord back = RecordJson.read(file, RunRecord.class);
        assertEquals("run-1", back.cachedFrom());
        assertEquals(key, back.cache());
        assertEquals(key, back.withResults(Map.of("a", 1.0), List.of()).ended(RunStatus.FAILED, 1, "x", "e", 1).cache(),
                "every later form of the record keeps its key");
    }

    @Test
    void writesStandardJsonWithTheSchemaAndNoTempFileLeft() throws Exception {
        Path file = dir.resolve("run.json");
        RecordJson.writeAtomically(file, Records.sample());
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

package dev.exprun.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsWhatPythonsJsonModuleWrites() throws Exception {
        Path file = dir.resolve("metrics.json");
        Files.writeString(file, "{\"val_acc\": 0.93, \"loss\": NaN, \"best\": Infinity, \"worst\": -Infinity, \"epochs\": 3}");
        Map<String, Double> m = MetricsReader.read(file);
        assertEquals(0.93, m.get("val_acc"));
        assertTrue(m.get("loss").isNaN());
        assertEquals(Double.POSITIVE_INFINITY, m.get("best"));
        assertEquals(Double.NEGATIVE_INFINITY, m.get("worst"));
        assertEquals(3.0, m.get("epochs"));
    }

    @Test
    void aMissingFileMeansNoMetrics() {
        assertEquals(Map.of(), MetricsReader.read(dir.resolve("metrics.json")));
    }

    @Test
    void malformedJsonNamesTheFileAndWhere() throws Exception {
        Path file = dir.resolve("metrics.json");
        Files.writeString(file, "{\"val_acc\": 0.93,\n \"loss\": }");
        ExpFailure e = assertThrows(ExpFailure.class, () -> MetricsReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aNonNumberNamesTheMetric() throws Exception {
        Path file = dir.resolve("metrics.json");
        Files.writeString(file, "{\"val_acc\": \"high\"}");
        ExpFailure e = assertThrows(ExpFailure.class, () -> MetricsReader.read(file));
        assertTrue(e.getMessage().contains("'val_acc'"), e.getMessage());
        Files.writeString(file, "[1, 2]");
        assertTrue(assertThrows(ExpFailure.class, () -> MetricsReader.read(file)).getMessage().contains("JSON object"));
    }
}

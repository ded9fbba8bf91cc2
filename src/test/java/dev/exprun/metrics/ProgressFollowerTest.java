package dev.exprun.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.exprun.testing.CapturingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressFollowerTest {
    @TempDir
    Path dir;

    @Test
    void showsTheStepAndTheLatestFourMetricsOncePerChange() throws Exception {
        Path series = dir.resolve("metrics.jsonl");
        CapturingLog log = new CapturingLog();
        try (ProgressFollower follower = new ProgressFollower(series, log, 3_600_000)) {
            follower.poll();
            assertEquals(List.of(), log.lines(), "nothing before the file exists");
            Files.writeString(series, "{\"seed\": 7}\n{\"step\": 1, \"loss\": 0.9, \"time\": 1.5}\n{\"step\": 2, \"loss\": 0.5, \"val_acc\": 0.7,"
                    + " \"lr\": 0.001, \"grad_norm\": 12345.6, \"extra\": 1}\n{\"step\": 3, \"lo");
            follower.poll();
            follower.poll();
            Files.writeString(series, "ss\": 0.25}\n", StandardOpenOption.APPEND);
            follower.poll();
        }
        assertEquals(List.of(
                "INFO progress: step 2 | loss 0.5000 | val_acc 0.7000 | lr 0.0010 | grad_norm 1.235e+04",
                "INFO progress: step 3 | loss 0.2500 | val_acc 0.7000 | lr 0.0010 | grad_norm 1.235e+04"), log.lines());
    }

    @Test
    void aBadLineIsSkipped() throws Exception {
        Path series = dir.resolve("metrics.jsonl");
        Files.writeString(series, "not json\n{\"acc\": 0.5}\n");
        CapturingLog log = new CapturingLog();
        try (ProgressFollower follower = new ProgressFollower(series, log, 3_600_000)) {
            follower.poll();
        }
        assertEquals(List.of("INFO progress: acc 0.5000"), log.lines());
        assertNull(new ProgressFollower(dir.resolve("none"), log, 3_600_000).line());
    }
}

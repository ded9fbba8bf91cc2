package dev.exprun.testing;

import dev.exprun.git.GitProvenance;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.ContainerInfo;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.record.RunRecord.GpusSeen;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ImageInfo;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.record.RunStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A complete run record with every section filled, for tests. */
public final class Records {
    private Records() {
    }

    public static RunRecord sample() {
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

}

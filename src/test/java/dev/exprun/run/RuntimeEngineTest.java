package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exprun inside real runs of the real PyTorch image: checkpoints that say where they came from, and crashes. */
class RuntimeEngineTest {
    @TempDir
    Path tmp;

    private Projects.Config torchConfig(Path repo, String... command) {
        Projects.Config config = Projects.config(repo, "rt" + Long.toHexString(System.nanoTime()), command);
        config.image = TestEngine.TORCH;
        return config;
    }

    @Test
    void aCheckpointCarriesTheRunsProvenanceAndReadsBackWithoutUnpickling() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", """
                import json, os, torch, exprun
                path = exprun.save({"w": torch.ones(3), "epoch": 1}, "ckpt/best.pt")
                os.remove(path + ".provenance.json")  # force the weights_only read of the file itself
                print("PROVENANCE " + json.dumps(exprun.load_provenance(path)))
                exprun.summary(acc=0.5)
                """));
        CapturingLog log = new CapturingLog();
        RunResult result = new ExperimentRunner(log).run(torchConfig(repo, "python3", "train.py").build());
        RunRecord record = result.record();

        String line = log.containerLines().stream().filter(l -> l.startsWith("PROVENANCE ")).findFirst().orElseThrow();
        JsonNode embedded = RecordJson.MAPPER.readTree(line.substring("PROVENANCE ".length()));
        assertEquals(record.runId(), embedded.get("run_id").asText());
        assertEquals(record.git().commit(), embedded.get("commit").asText());
        assertEquals(record.image().digest(), embedded.get("image_digest").asText());
        assertEquals(Map.of("acc", 0.5), record.metrics());
        assertEquals("ckpt/best.pt", record.outputs().get(0).path());
    }

    @Test
    void theSidecarOfACheckpointMatchesTheRecord() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", """
                import torch, exprun
                exprun.save({"w": torch.zeros(2)}, "model.pt")
                """));
        RunResult result = new ExperimentRunner(new CapturingLog()).run(torchConfig(repo, "python3", "train.py").build());
        JsonNode sidecar = RecordJson.MAPPER.readTree(result.directory().out().resolve("model.pt.provenance.json").toFile());
        assertEquals(result.record().runId(), sidecar.get("run_id").asText());
        assertEquals(result.record().git().commit(), sidecar.get("commit").asText());
        assertEquals(result.record().outputs().get(0).sha256(), sidecar.get("sha256").asText());
    }

    @Test
    void aTrainingKilledMidwayLeavesParseableMetricsAndNoHalfCheckpoint() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", """
                import os, signal, threading, time, torch, exprun
                for step in range(2000):
                    exprun.log(step=step, loss=1.0 / (step + 1))
                time.sleep(1.5)  # more than the flush interval: these lines must survive
                for step in range(2000, 2100):
                    exprun.log(step=step, loss=0.0)
                big = {"w": torch.rand(64 * 1024 * 1024)}  # 256 MB: the kill lands while it is written
                threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
                print("saving", flush=True)
                exprun.save(big, "model.pt")
                print("saved: the kill came too late", flush=True)
                time.sleep(30)
                """));
        // python must not be PID 1: the kernel ignores a SIGKILL that PID 1 sends itself in its namespace.
        ExpFailure e = assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog())
                .run(torchConfig(repo, "sh", "-c", "python3 train.py; exit $?").build()));
        assertTrue(e.getMessage().contains("exited with code 137"), e.getMessage());
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.FAILED, record.status());
        Path out = repo.resolve("target/exp/runs/" + record.runId() + "/out");

        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(lines.size() >= 2000, "the flushed lines survive: " + lines.size());
        for (String l : lines) {
            RecordJson.MAPPER.readTree(l); // every line parses
        }
        assertEquals(0, RecordJson.MAPPER.readTree(lines.get(0)).get("step").asInt());
        assertFalse(Files.exists(out.resolve("model.pt")), "no checkpoint under its final name");
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().equals("model.pt")));
        }
    }
}

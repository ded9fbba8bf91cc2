package dev.exprun.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.check.CheckRow.Verdict;
import dev.exprun.core.ExpFailure;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:check-env against the real engine and images. */
class EnvironmentCheckerEngineTest {
    @TempDir
    Path tmp;

    private List<CheckRow> check(String image, String gpus, String host) {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print('hi')\n"));
        return new EnvironmentChecker(new CapturingLog()).check(new CheckConfiguration("test.exprun:check", repo,
                repo.resolve("target"), image, "never", host, gpus, null, Map.of(), Map.of()));
    }

    private static Map<String, CheckRow> byName(List<CheckRow> rows) {
        return rows.stream().collect(java.util.stream.Collectors.toMap(CheckRow::check, r -> r));
    }

    @Test
    void aPyTorchImageOnTheCpuPassesWithTheDetailsOfEachRow() {
        List<CheckRow> rows = check(TestEngine.TORCH, "none", TestEngine.host());
        assertEquals(List.of("engine", "image", "gpus", "torch", "git"), rows.stream().map(CheckRow::check).toList());
        Map<String, CheckRow> r = byName(rows);
        assertEquals(Verdict.OK, r.get("engine").verdict());
        assertEquals(Verdict.OK, r.get("image").verdict());
        assertEquals(Verdict.SKIPPED, r.get("gpus").verdict());
        assertEquals(Verdict.OK, r.get("torch").verdict(), r.get("torch").detail());
        assertTrue(r.get("torch").detail().startsWith("torch 1.13"), r.get("torch").detail());
        assertTrue(r.get("torch").detail().contains("cpu ("), r.get("torch").detail());
        assertEquals(Verdict.OK, r.get("git").verdict(), r.get("git").detail());
        EnvironmentChecker.requirePassed(rows);
    }

    /** Podman only: its Docker API (4.3) accepts the GPU request and ignores it; the in-container check sees no GPU. */
    @Test
    @Tag("podman-only")
    void gpusPodmanIgnoresFailTheCheckWithTheFixOnPodman() {
        List<CheckRow> rows = check(TestEngine.TORCH, "all", TestEngine.host());
        CheckRow gpus = byName(rows).get("gpus");
        assertEquals(Verdict.FAIL, gpus.verdict());
        assertTrue(gpus.detail().contains("the container sees 0: the engine ignored the request"), gpus.detail());
        ExpFailure e = assertThrows(ExpFailure.class, () -> EnvironmentChecker.requirePassed(rows));
        assertTrue(e.getMessage().contains("gpus: gpus=all requested"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: install the NVIDIA Container Toolkit"), e.getMessage());
    }

    /** Docker only: Docker without the NVIDIA Container Toolkit refuses the request; the gpus row fails, torch is not blamed. */
    @Test
    @Tag("docker-only")
    void gpusDockerRefusesFailTheGpusRowNotTheTorchRowOnDocker() {
        List<CheckRow> rows = check(TestEngine.TORCH, "all", TestEngine.host());
        CheckRow gpus = byName(rows).get("gpus");
        assertEquals(Verdict.FAIL, gpus.verdict());
        assertTrue(gpus.detail().contains("refused the GPU request (gpus=all, gpuRequest=nvidia): it has no NVIDIA device driver registered"),
                gpus.detail());
        assertTrue(gpus.fix().startsWith("install the NVIDIA Container Toolkit"), gpus.fix());
        CheckRow torch = byName(rows).get("torch");
        assertEquals(Verdict.SKIPPED, torch.verdict());
        assertEquals("not run: the GPU request was refused", torch.detail());
        ExpFailure e = assertThrows(ExpFailure.class, () -> EnvironmentChecker.requirePassed(rows));
        assertTrue(e.getMessage().startsWith("exp:check-env: 1 required check(s) failed:\n  gpus: docker "), e.getMessage());
        assertFalse(e.getMessage().contains("python3 and PyTorch"), e.getMessage());
    }

    @Test
    void anImageWithoutPythonFailsTheTorchRow() {
        CheckRow torch = byName(check(TestEngine.TINY, "none", TestEngine.host())).get("torch");
        assertEquals(Verdict.FAIL, torch.verdict());
        assertTrue(torch.fix().contains("PyTorch"), torch.fix());
    }

    @Test
    void noEngineFailsTheFirstRowAndSkipsTheContainerRows() {
        Map<String, CheckRow> r = byName(check(TestEngine.TORCH, "none", "unix:///run/exp-no-such-engine.sock"));
        assertEquals(Verdict.FAIL, r.get("engine").verdict());
        assertEquals(Verdict.SKIPPED, r.get("image").verdict());
        assertEquals(Verdict.SKIPPED, r.get("torch").verdict());
        assertEquals(Verdict.OK, r.get("git").verdict());
    }
}

package dev.exprun.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputCollectorTest {
    @TempDir
    Path dir;

    private Path write(String relative, String content) throws Exception {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void withoutDeclaredOutputsTheCheckpointFilesAreAttached() throws Exception {
        write("best.pt", "weights");
        write("metrics.json", "{}");
        write("notes.txt", "x");
        List<CollectedOutput> found = new OutputCollector().collect(dir, List.of());
        assertEquals(1, found.size());
        CollectedOutput out = found.get(0);
        assertEquals("model", out.classifier());
        assertEquals("pt", out.type());
        assertEquals(7, out.size());
        assertEquals("9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c", out.sha256(), "sha256sum of 'weights'");
    }

    @Test
    void severalMatchesGetTheirBaseNameAppended() throws Exception {
        write("checkpoints/epoch1.pt", "1");
        write("checkpoints/epoch3.pt", "3");
        List<CollectedOutput> found = new OutputCollector().collect(dir,
                List.of(new OutputSpec("checkpoints/*.pt", "model", null, false)));
        assertEquals(List.of("model-epoch1", "model-epoch3"), found.stream().map(CollectedOutput::classifier).toList());
        assertEquals(List.of("checkpoints/epoch1.pt", "checkpoints/epoch3.pt"), found.stream().map(CollectedOutput::path).toList());
    }

    @Test
    void aMissingDeclaredOutputFailsUnlessOptional() throws Exception {
        ExpFailure e = assertThrows(ExpFailure.class, () -> new OutputCollector().collect(dir,
                List.of(new OutputSpec("model.onnx", "onnx", "onnx", false))));
        assertTrue(e.getMessage().contains("'model.onnx'"), e.getMessage());
        assertEquals(List.of(), new OutputCollector().collect(dir, List.of(new OutputSpec("model.onnx", "onnx", "onnx", true))));
    }

    @Test
    void aSymlinkOutOfTheOutputDirIsRefused(@TempDir Path elsewhere) throws Exception {
        Path secret = Files.writeString(elsewhere.resolve("id_rsa.pt"), "secret");
        Files.createSymbolicLink(dir.resolve("model.pt"), secret);
        ExpFailure e = assertThrows(ExpFailure.class, () -> new OutputCollector().collect(dir, List.of()));
        assertTrue(e.getMessage().contains("outside the output dir"), e.getMessage());
    }

    @Test
    void patternsThatLeaveTheDirAndReservedClassifiersAreRefused() {
        assertThrows(ExpError.class, () -> new OutputCollector().collect(dir, List.of(new OutputSpec("../x.pt", "m", null, false))));
        assertThrows(ExpError.class, () -> new OutputCollector().collect(dir, List.of(new OutputSpec("/etc/x", "m", null, false))));
        ExpError e = assertThrows(ExpError.class, () -> new OutputCollector().collect(dir,
                List.of(new OutputSpec("*.pt", "exp-run", null, true))));
        assertTrue(e.getMessage().contains("exp-run"));
    }
}

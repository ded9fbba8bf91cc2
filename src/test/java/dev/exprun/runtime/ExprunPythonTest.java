package dev.exprun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.testing.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Python runtime's own unittest suite (src/test/python), run by the Maven build: on the host's
 * python3 (no torch) and inside the real PyTorch image (torch 1.13), where the torch tests run too.
 */
class ExprunPythonTest {
    private static final Pattern RAN = Pattern.compile("Ran (\\d+) tests?");
    private static final Pattern SKIPPED = Pattern.compile("skipped=(\\d+)");

    private record Result(int exit, String output) {
        int ran() {
            Matcher m = RAN.matcher(output);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }

        int skipped() {
            Matcher m = SKIPPED.matcher(output);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("unittest", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("python tests timed out");
        }
        String text = Files.readString(out);
        Files.delete(out);
        return new Result(p.exitValue(), text);
    }

    @Test
    void onTheHostsPython() throws Exception {
        Result r = run(List.of("python3", "-m", "unittest", "discover", "-s", "src/test/python", "-v"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.ran() >= 10, r.output());
        assertTrue(r.output().contains("\nOK"), r.output());
    }

    @Test
    void insideThePyTorchImage() throws Exception {
        Result r = run(List.of("docker", "-H", TestEngine.host(), "run", "--rm", "-v", Path.of("").toAbsolutePath() + ":/src:ro",
                "-w", "/src", TestEngine.TORCH, "python3", "-m", "unittest", "discover", "-s", "src/test/python", "-v"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.ran() >= 20, r.output());
        assertTrue(r.output().contains("\nOK"), r.output());
        // Only the safetensors cases may skip there: the image has torch but not safetensors.
        assertTrue(r.skipped() <= 3, r.output());
    }
}

package dev.exprun.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core packages never see Maven: only dev.exprun.maven may import org.apache.maven. */
class CoreIndependenceTest {
    private static final Path MAIN = Path.of("src/main/java/dev/exprun");

    @Test
    void onlyTheMavenPackageImportsMaven() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.startsWith(MAIN.resolve("maven")))
                    .filter(CoreIndependenceTest::importsMaven)
                    .map(Path::toString).toList();
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void theScanSeesTheCoreAndTheMavenPackage() throws IOException {
        // Guards the test above against passing because it looked at nothing.
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertTrue(all.stream().anyMatch(f -> f.startsWith(MAIN.resolve("run"))));
            assertTrue(all.stream().filter(f -> f.startsWith(MAIN.resolve("maven"))).anyMatch(CoreIndependenceTest::importsMaven));
        }
    }

    private static boolean importsMaven(Path file) {
        try {
            return Files.readAllLines(file).stream().anyMatch(l -> l.matches("\\s*import\\s+(static\\s+)?org\\.apache\\.maven\\..*"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

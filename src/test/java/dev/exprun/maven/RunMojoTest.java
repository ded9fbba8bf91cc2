package dev.exprun.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/** The Mojo layer with Maven's testing harness: configuration binding, skip, and the two kinds of failure. */
@MojoTest
class RunMojoTest {
    private static final String POM = "src/test/resources/unit/run-config/pom.xml";

    static final class Recording extends SystemStreamLog {
        final List<String> infos = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            infos.add(content.toString());
        }
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "skip", value = "true")
    void skipLogsExactlyOneLine(RunMojo mojo) throws Exception {
        Recording log = new Recording();
        mojo.setLog(log);
        mojo.execute();
        assertEquals(List.of("Skipping exp:run (exp.skip=true)"), log.infos);
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "gpus", value = "1.5")
    void badConfigurationIsABuildErrorNamingTheValueAndTheFix(RunMojo mojo) {
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("The gpus setting '1.5' is not understood: '1.5' is not a device index"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: set <gpus> (-Dexp.gpus)"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "requirePinnedImage", value = "true")
    void anUnpinnedImageWhenPinningIsRequiredIsABuildFailure(RunMojo mojo) {
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("The image localhost/exp-test/tiny:1 is not pinned by digest"), e.getMessage());
    }
}

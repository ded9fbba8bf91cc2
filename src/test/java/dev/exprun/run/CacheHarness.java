package dev.exprun.run;

import dev.exprun.cache.CacheConfiguration;
import dev.exprun.testing.Projects;
import dev.exprun.testing.StdoutLog;
import java.nio.file.Path;
import java.util.List;

/** A build in a separate JVM training the same key as the test's build, for the run cache's lock across processes. */
public final class CacheHarness {
    static Projects.Config config(Path repo, String project) {
        Projects.Config config = Projects.config(repo, project, "sh", "-c", "echo started; sleep 3; echo weights > $EXP_OUTPUT_DIR/best.pt");
        config.cache = new CacheConfiguration("use", null, List.of(), null);
        return config;
    }

    public static void main(String[] args) {
        RunResult result = new ExperimentRunner(new StdoutLog()).run(config(Path.of(args[0]), args[1]).build());
        System.out.println("RESULT " + result.record().runId());
    }
}

package dev.exprun.reproduce;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.run.RunConfiguration;
import java.util.Map;

/**
 * exp:reproduce: the run to reproduce (run id, tag or commit), the project's current configuration
 * (engine, mounts, user and the like; command, params and image come from the record), tolerances,
 * and where published artifacts (the dirty patch) can be fetched.
 */
public record ReproduceRequest(RunConfiguration current, String ref, String tolerance, Map<String, String> tolerances,
                               ArtifactSource artifacts) {
}

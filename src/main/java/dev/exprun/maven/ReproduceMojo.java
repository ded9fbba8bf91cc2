package dev.exprun.maven;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.reproduce.ReproduceRequest;
import dev.exprun.reproduce.Reproducer;
import dev.exprun.reproduce.Tolerance;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;

/**
 * Runs a recorded run again exactly as it ran (its commit in a temporary worktree, its patch, its
 * image by digest, its command and params) and compares every metric: REPRODUCED or NOT REPRODUCED
 * (a BUILD FAILURE). The engine settings, mounts, user and env come from this POM.
 */
@Mojo(name = "reproduce", threadSafe = true)
public class ReproduceMojo extends AbstractTrainingMojo {

    /** The run to reproduce: run id (or a unique prefix), tag, or commit (its newest run). */
    @Parameter(property = ExpProperties.REF)
    private String ref;

    /** How close each metric must be: {@code abs=1e-9,rel=1e-6} by default. */
    @Parameter(property = ExpProperties.TOLERANCE, defaultValue = Tolerance.DEFAULT)
    private String tolerance;

    /** Per metric: {@code <tolerances><val_loss>abs=1e-4</val_loss></tolerances>}. */
    @Parameter
    private Map<String, String> tolerances;

    private final RepositorySystem repositorySystem;

    @Inject
    public ReproduceMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime, RepositorySystem repositorySystem) {
        super(settingsDecrypter, runtime);
        this.repositorySystem = repositorySystem;
    }

    @Override
    protected String goal() {
        return "exp:reproduce";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        if (ref == null || ref.isBlank()) {
            throw new ExpError("exp:reproduce needs the run to reproduce.",
                    "name it: mvn exp:reproduce -Dexp.ref=v1.0-prod-ready (a run id, tag or commit; exp:history lists them)");
        }
        new Reproducer(log).reproduce(new ReproduceRequest(configuration(), ref, tolerance, tolerances, artifacts(repositorySystem)));
    }
}

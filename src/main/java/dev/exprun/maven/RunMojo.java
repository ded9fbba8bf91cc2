package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.run.Attachment;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunResult;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;

/**
 * Trains in a pinned container with full git provenance and attaches the results (record, metrics,
 * log, patch, checkpoints) as build artifacts, so {@code install} and {@code deploy} publish them.
 */
@Mojo(name = "run", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class RunMojo extends AbstractTrainingMojo {

    private final MavenProjectHelper projectHelper;
    private final RepositorySystem repositorySystem;

    @Inject
    public RunMojo(MavenProjectHelper projectHelper, SettingsDecrypter settingsDecrypter, RuntimeInformation runtime,
                   RepositorySystem repositorySystem) {
        super(settingsDecrypter, runtime);
        this.projectHelper = projectHelper;
        this.repositorySystem = repositorySystem;
    }

    @Override
    protected String goal() {
        return "exp:run";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        RunResult result = new ExperimentRunner(log, artifacts(repositorySystem)).run(configuration());
        for (Attachment a : result.attachments()) {
            projectHelper.attachArtifact(project, a.type(), a.classifier(), a.file().toFile());
            log.info("Attached " + a.classifier() + " (" + a.type() + "): " + a.file());
        }
        project.setContextValue(AbstractRunGoalMojo.RECORD_CONTEXT_KEY, result.directory().record().toString());
        log.info("Run " + result.record().runId() + " succeeded" + (result.record().cachedFrom() == null ? ""
                : " (served from the cache: the outputs of run " + result.record().cachedFrom() + ")") + "; record: " + result.directory().record());
    }
}

package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.run.Attachment;
import dev.exprun.sweep.SpaceConfiguration;
import dev.exprun.sweep.SweepConfiguration;
import dev.exprun.sweep.SweepResult;
import dev.exprun.sweep.SweepRunner;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;

/**
 * Runs the trials of a search space, {@code parallel} at once, each a complete exp:run with its own GPUs,
 * and attaches the sweep record and every trial's files. exp:verify and exp:tag later in the build act on
 * the best trial by the {@code objective}.
 */
@Mojo(name = "sweep", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class SweepMojo extends AbstractTrainingMojo {

    /** The search space: {@code <grid>}, or {@code <random>} with {@code <samples>} and {@code <seed>}, or {@code <trials>}. */
    @Parameter
    private Sweep sweep;

    /** The search space on the command line, replacing the POM's grid or random space: {@code lr=0.1,0.01;hidden=64,128}. */
    @Parameter(property = ExpProperties.SWEEP)
    private String sweepLine;

    /** Explicit trials on the command line: {@code lr=0.1;hidden=64|lr=0.01;hidden=128}. */
    @Parameter(property = ExpProperties.TRIALS)
    private String trialsLine;

    /** How many trials a random space draws; wins over {@code <sweep><samples>}. */
    @Parameter(property = ExpProperties.SAMPLES)
    private String samples;

    /** The random space's seed; wins over {@code <sweep><seed>}. */
    @Parameter(property = ExpProperties.SWEEP_SEED)
    private String sweepSeed;

    /** Trials at once; default: one per gpusPerTrial GPUs, or 1 without GPUs. */
    @Parameter(property = ExpProperties.PARALLEL)
    private String parallel;

    /** GPUs each trial gets, as specific devices leased to it alone. */
    @Parameter(property = ExpProperties.GPUS_PER_TRIAL, defaultValue = "0")
    private String gpusPerTrial;

    /** The GPUs to use, by index or UUID: {@code 0,1,2,3}; default: all that a probe container finds. */
    @Parameter(property = ExpProperties.GPU_DEVICES)
    private String gpuDevices;

    /** Each trial's CPU limit, e.g. {@code 4} or {@code 0.5}. */
    @Parameter(property = ExpProperties.CPUS_PER_TRIAL)
    private String cpusPerTrial;

    /** Each trial's memory limit, e.g. {@code 16g}. */
    @Parameter(property = ExpProperties.MEMORY_PER_TRIAL)
    private String memoryPerTrial;

    /** {@code fail-at-end} (every trial runs), {@code fail-fast}, or {@code ignore} (succeeds when one trial did). */
    @Parameter(property = ExpProperties.FAILURE_POLICY, defaultValue = "fail-at-end")
    private String failurePolicy;

    /** Re-runs of a trial after an infrastructure fault (engine error, OOM kill, GPUs not seen); never after the script failed. */
    @Parameter(property = ExpProperties.RETRIES, defaultValue = "0")
    private String retries;

    /** The metric that picks the best trial; its direction follows the same rules as the gates. */
    @Parameter(property = ExpProperties.OBJECTIVE)
    private String objective;

    /** Metrics that are better higher, where the name does not say so. */
    @Parameter(property = ExpProperties.HIGHER_IS_BETTER)
    private List<String> higherIsBetter;

    /** Metrics that are better lower, where the name does not say so. */
    @Parameter(property = ExpProperties.LOWER_IS_BETTER)
    private List<String> lowerIsBetter;

    /** {@code true}: continue this project's newest sweep; or a sweep id. Trials that succeeded on the same code are reused. */
    @Parameter(property = ExpProperties.RESUME)
    private String resume;

    private final MavenProjectHelper projectHelper;
    private final RepositorySystem repositorySystem;

    @Inject
    public SweepMojo(MavenProjectHelper projectHelper, SettingsDecrypter settingsDecrypter, RuntimeInformation runtime,
                     RepositorySystem repositorySystem) {
        super(settingsDecrypter, runtime);
        this.projectHelper = projectHelper;
        this.repositorySystem = repositorySystem;
    }

    @Override
    protected String goal() {
        return "exp:sweep";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        SweepResult result = new SweepRunner(log, artifacts(repositorySystem)).run(new SweepConfiguration(configuration(), space(), parallel, gpusPerTrial,
                gpuDevices, cpusPerTrial, memoryPerTrial, failurePolicy, retries, objective, higherIsBetter, lowerIsBetter, resume));
        for (Attachment a : result.attachments()) {
            projectHelper.attachArtifact(project, a.type(), a.classifier(), a.file().toFile());
            log.debug("Attached " + a.classifier() + " (" + a.type() + "): " + a.file());
        }
        log.info("Attached " + result.attachments().size() + " files: the sweep record (exp-sweep json and csv) and each trial's, "
                + "classifiers suffixed by the trial (exp-run-t01)");
        if (result.bestRunRecord() != null) {
            project.setContextValue(AbstractRunGoalMojo.RECORD_CONTEXT_KEY, result.bestRunRecord().toString());
            log.info("Sweep " + result.record().sweepId() + " succeeded; best trial " + result.record().best() + " (record "
                    + result.bestRunRecord() + ")");
        } else {
            project.setContextValue(AbstractRunGoalMojo.RECORD_CONTEXT_KEY, AbstractRunGoalMojo.NO_BEST_TRIAL);
            log.info("Sweep " + result.record().sweepId() + " succeeded; no objective, so no best trial for exp:verify and exp:tag");
        }
    }

    private SpaceConfiguration space() {
        Sweep s = sweep == null ? new Sweep() : sweep;
        return SpaceConfiguration.overridden(new SpaceConfiguration(null, s.grid, s.random, s.trials, s.samples, s.seed),
                sweepLine, trialsLine, samples, sweepSeed);
    }
}

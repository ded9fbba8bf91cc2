package dev.exprun.reproduce;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.artifacts.Sha256;
import dev.exprun.container.ImageReference;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.git.Repositories;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.history.RunRef;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;

/**
 * exp:reproduce: the recorded commit in a temporary worktree, the recorded patch on top when the run
 * was dirty (sha256 checked), the same image by digest, command and params, through the same
 * machinery as exp:run; then every recorded metric against the new one. The reproduction is itself
 * a recorded run ({@code reproduces: <run id>}). A verdict other than REPRODUCED fails the build.
 */
public final class Reproducer {
    private final ExpLog log;

    public Reproducer(ExpLog log) {
        this.log = log;
    }

    public void reproduce(ReproduceRequest request) {
        RunConfiguration current = request.current();
        RunNote original;
        Path repoWorkTree;
        try (Repository repo = Repositories.open(current.baseDir(), "exp:reproduce")) {
            original = RunRef.resolve(repo, new RunNotes(repo).readAll(), request.ref());
            repoWorkTree = repo.getWorkTree().toPath().toRealPath();
        } catch (IOException e) {
            throw new ExpError("Cannot resolve the work tree of " + current.baseDir() + ": " + e.getMessage(), "check the checkout", e);
        }
        if (!"succeeded".equals(original.status())) {
            throw new ExpFailure("Run " + original.runId() + " did not succeed (" + original.status() + "); there is nothing to reproduce.",
                    "name a successful run (exp:history lists them)");
        }
        String image = pinnedImage(original, digestSource(original, current));
        log.info("Reproducing run " + original.runId() + ": commit " + original.commit() + (original.dirty() ? " + its recorded patch" : "")
                + ", image " + image + (image.equals(original.imageDigest()) && !image.equals(original.image())
                        ? " (the image id of " + original.image() + ", which was never pushed)" : ""));
        Path patch = original.dirty() ? patch(original, current, request.artifacts()) : null;
        Path projectPath = relative(repoWorkTree, current.baseDir());
        try (CheckoutWorktree checkout = CheckoutWorktree.add(repoWorkTree, original.commit())) {
            if (patch != null) {
                String refused = checkout.apply(patch);
                if (refused != null) {
                    throw new ExpFailure("The recorded patch of run " + original.runId() + " does not apply to " + original.commit()
                            + ": " + refused, "the patch and the commit do not belong together; check the exp-diff artifact");
                }
            }
            RunConfiguration again = current.reproducing(original.runId(), checkout.dir().resolve(projectPath.toString()), image,
                    original.command(), textParams(original.params()));
            RunResult result;
            try {
                result = new ExperimentRunner(log).run(again);
            } catch (ExpException e) {
                log.info("NOT REPRODUCED: the reproduction of run " + original.runId() + " did not run to the end");
                throw e;
            }
            Verdict.judge(original, result.record(), request.tolerance(), request.tolerances(), log);
        }
    }

    /**
     * The image exactly: by digest, whatever its tag points at now. An image that was never pushed is
     * run by its id (sha256:<id>): no engine resolves name@sha256:<image id>.
     */
    static String pinnedImage(RunNote original, String digestSource) {
        if (original.image() == null || original.imageDigest() == null) {
            throw new ExpError("Run " + original.runId() + " has no recorded image digest, so it cannot be run again as it ran.",
                    "reproduce a run recorded by exp:run");
        }
        if (ResolvedImage.IMAGE_ID.equals(digestSource)) {
            return original.imageDigest();
        }
        ImageReference ref = ImageReference.parse(original.image());
        if (ref.byImageId()) {
            return ref.toString();
        }
        return new ImageReference(ref.registry(), ref.repository(), ref.tag(), original.imageDigest()).toString();
    }

    /**
     * Where the recorded digest came from: the note says so; notes written before it did are looked up in
     * the run's record, where this project's run directory still has it (else a registry digest is assumed).
     */
    private static String digestSource(RunNote original, RunConfiguration current) {
        if (original.imageDigestSource() != null) {
            return original.imageDigestSource();
        }
        Path record = RunDirectory.of(current.buildDir(), original.runId()).record();
        try {
            RunRecord run = RecordJson.read(record, RunRecord.class);
            return run.image() == null ? null : run.image().digestSource();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The dirty patch: still in this project's run directory, else the published exp-diff artifact; sha256 checked either way. */
    private Path patch(RunNote original, RunConfiguration current, ArtifactSource artifacts) {
        Path local = RunDirectory.of(current.buildDir(), original.runId()).patch();
        if (matches(local, original.patchSha256())) {
            return local;
        }
        Optional<RunNote.Artifact> published = original.artifacts().stream()
                .filter(a -> "exp-diff".equals(a.classifier()) && a.coordinates() != null).findFirst();
        if (published.isEmpty()) {
            throw new ExpFailure("Run " + original.runId() + " ran on a dirty tree, and its patch is neither in " + local.getParent()
                    + " nor published (no exp-diff artifact was attached).", "reproduce a run made on a clean tree, or from the machine that has its run directory");
        }
        String coordinates = published.get().coordinates();
        Path fetched = artifacts.fetch(coordinates).orElseThrow(() -> new ExpFailure("The patch of run " + original.runId() + " ("
                + coordinates + ") cannot be fetched.", "install or deploy it first, or reproduce where the run directory is"));
        if (!matches(fetched, original.patchSha256())) {
            throw new ExpFailure("The patch " + coordinates + " is not the one run " + original.runId() + " recorded (sha256 differs).",
                    "the artifact was overwritten (a SNAPSHOT redeployed?); the run cannot be reproduced from it");
        }
        log.info("Patch: " + coordinates + " (sha256 " + original.patchSha256().substring(0, 12) + ", checked)");
        return fetched;
    }

    private static boolean matches(Path file, String sha256) {
        try {
            return sha256 != null && Files.isRegularFile(file) && Sha256.of(file).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path relative(Path repoWorkTree, Path baseDir) {
        try {
            return repoWorkTree.relativize(baseDir.toRealPath());
        } catch (IOException e) {
            throw new ExpError("Cannot resolve " + baseDir + ": " + e.getMessage(), "check the project directory", e);
        }
    }

    /** Params as the POM would give them, so they are typed again exactly as they were (0.01 a number, "x" text). */
    private static Map<String, String> textParams(Map<String, Object> params) {
        Map<String, String> text = new LinkedHashMap<>();
        params.forEach((k, v) -> text.put(k, String.valueOf(v)));
        return text;
    }
}

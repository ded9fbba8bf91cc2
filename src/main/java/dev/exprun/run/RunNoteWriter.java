package dev.exprun.run;

import dev.exprun.artifacts.Sha256;
import dev.exprun.core.ExpLog;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.OutputFile;
import dev.exprun.record.RunRecord.ProjectInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Appends the run's summary to the git note on its commit. A note that cannot be written is a
 * warning, not a failed build: the record itself is safe in the run directory and the artifacts.
 */
final class RunNoteWriter {
    private RunNoteWriter() {
    }

    /** attached: what the build attaches (null when the run failed and nothing is attached). */
    static void append(ExpLog log, RunConfiguration config, RunRecord record, RunDirectory dir, List<Attachment> attached) {
        append(log, config.baseDir(), config.project(), record, dir, attached);
    }

    /** repoDir: a directory of the repository the run's commit is in. */
    static void append(ExpLog log, Path repoDir, ProjectInfo project, RunRecord record, RunDirectory dir, List<Attachment> attached) {
        if (record.git() == null || !record.git().present() || record.git().commit() == null) {
            return;
        }
        try (Repository repo = new FileRepositoryBuilder().readEnvironment().findGitDir(repoDir.toFile())
                .setMustExist(true).build()) {
            new RunNotes(repo).append(record.git().commit(), RunNote.of(record, artifacts(project, record, dir, attached), record.reproduces()));
            log.debug("Run " + record.runId() + " noted on " + record.git().commit() + " (" + RunNotes.REF + ")");
        } catch (IOException | RuntimeException e) {
            log.warn("Run " + record.runId() + " was not recorded in git (" + RunNotes.REF + "): " + e.getMessage()
                    + "; its record is " + dir.record());
        }
    }

    private static List<RunNote.Artifact> artifacts(ProjectInfo project, RunRecord record, RunDirectory dir, List<Attachment> attached)
            throws IOException {
        List<RunNote.Artifact> list = new ArrayList<>();
        if (attached == null) {
            // Nothing is published for a failed run; its outputs are still findable by sha256 (exp:which).
            list.add(new RunNote.Artifact(null, "exp-run", "json", null, Sha256.of(dir.record())));
            for (OutputFile o : record.outputs() == null ? List.<OutputFile>of() : record.outputs()) {
                list.add(new RunNote.Artifact(null, o.classifier(), o.type(), o.path(), o.sha256()));
            }
            return list;
        }
        for (Attachment a : attached) {
            String coordinates = project.groupId() + ":" + project.artifactId() + ":" + a.type() + ":" + a.classifier() + ":" + project.version();
            if (a.sha256() != null) { // known already: an output, or a file served from the run cache
                list.add(new RunNote.Artifact(coordinates, a.classifier(), a.type(), a.outputPath(), a.sha256()));
                continue;
            }
            OutputFile output = output(record, dir, a.file());
            list.add(new RunNote.Artifact(coordinates, a.classifier(), a.type(), output == null ? null : output.path(),
                    output != null ? output.sha256() : sha256(a, record)));
        }
        return list;
    }

    /**
     * The record's and the patch's sha256 (what exp:reproduce checks a fetched copy against); the log and
     * metrics are not hashed again here: the log can be gigabytes, and this runs on every build.
     */
    private static String sha256(Attachment a, RunRecord record) throws IOException {
        return switch (a.classifier()) {
            case "exp-run" -> Sha256.of(a.file());
            case "exp-diff" -> record.git().patchSha256();
            default -> null;
        };
    }

    private static OutputFile output(RunRecord record, RunDirectory dir, Path file) {
        if (record.outputs() == null || !file.startsWith(dir.out())) {
            return null;
        }
        String relative = dir.out().relativize(file).toString();
        return record.outputs().stream().filter(o -> o.path().equals(relative)).findFirst().orElse(null);
    }
}

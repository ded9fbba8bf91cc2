package dev.exprun.history.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.testing.Records;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The run directories of the exp:report benchmark (bench/cases/report.sh), in a repository NotesBenchmark built: for
 * {@code runs} of its noted runs, spread evenly over its history, {@code target/exp/runs/<runId>/run.json} (a complete
 * record, the shape of {@link Records#sample()}, with the note's run id, status, commit and final metrics) and
 * {@code out/metrics.jsonl} of {@code steps} lines as Python's json writes them ({@code {"step": 0, "loss": 2.3,
 * "val_acc": 0.1}}): a decaying loss with a few spikes and one {@code NaN}, a rising val_acc that ends at the note's
 * value. Not a test: run by hand,
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.exprun.history.bench.ReportBenchRuns /tmp/notes-bench 50 100000
 * </pre>
 *
 * Args: repoDir [runs=50] [steps=100000]. Prints the run ids written, one a line.
 */
public final class ReportBenchRuns {
    private ReportBenchRuns() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        List<RunNote> notes = new ArrayList<>();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build()) {
            new RunNotes(repo).readAll().values().forEach(notes::addAll);
        }
        notes.sort(Comparator.comparing(RunNote::runId, Comparator.comparingInt(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)))));
        if (notes.size() < runs) {
            throw new IllegalStateException("the notes have " + notes.size() + " runs, fewer than " + runs);
        }
        Path runsDir = dir.resolve("target").resolve("exp").resolve("runs");
        for (int i = 0; i < runs; i++) {
            RunNote note = notes.get((int) ((long) i * notes.size() / runs));
            Path runDir = runsDir.resolve(note.runId());
            writeRecord(runDir.resolve("run.json"), note, dir);
            writeMetrics(runDir.resolve("out").resolve("metrics.jsonl"), note, steps, i);
            System.out.println(note.runId());
        }
    }

    /** Records.sample() as JSON, with the note's identity: what exp:run would have written for it. */
    private static void writeRecord(Path file, RunNote note, Path workTree) {
        ObjectNode json = RecordJson.MAPPER.valueToTree(Records.sample());
        json.put("runId", note.runId());
        json.put("status", note.status());
        if (!"succeeded".equals(note.status())) {
            json.put("exitCode", 1);
            json.put("failure", "the training exited with code 1");
        }
        json.put("startedAt", note.startedAt());
        ObjectNode git = json.putObject("git");
        git.put("present", true).put("workTree", workTree.toString()).put("projectPath", "").put("commit", note.commit())
                .put("branch", note.branch()).put("detached", false).put("branchSource", "HEAD").put("describe", note.describe())
                .put("shallow", false).put("dirty", false).put("patchBytes", 0);
        git.putArray("tagsAtHead");
        json.set("params", RecordJson.MAPPER.valueToTree(note.params()));
        json.set("metrics", RecordJson.MAPPER.valueToTree(note.metrics()));
        RecordJson.writeAtomically(file, json);
        RunRecord back = RecordJson.read(file, RunRecord.class);
        if (!note.runId().equals(back.runId()) || !note.commit().equals(back.git().commit())) {
            throw new IllegalStateException(file + " does not read back as its run's record");
        }
    }

    /** steps lines; spikes in the loss at a few steps, one NaN loss in the middle. */
    private static void writeMetrics(Path file, RunNote note, int steps, int salt) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom random = new SplittableRandom(salt);
        Map<String, Double> end = note.metrics();
        double finalAcc = end.getOrDefault("val_acc", 0.9);
        double finalLoss = end.getOrDefault("loss", 0.3);
        int nan = steps / 2 + salt;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int step = 0; step < steps; step++) {
                double t = (double) step / Math.max(1, steps - 1);
                double loss = finalLoss + (2.3 - finalLoss) * Math.exp(-6 * t) + random.nextGaussian() * 0.02;
                if (step % (steps / 5 + 1) == steps / 10 + salt) {
                    loss *= 8;
                }
                double acc = Math.max(0, Math.min(1, finalAcc * (1 - Math.exp(-5 * t)) + random.nextGaussian() * 0.005));
                if (step == steps - 1) {
                    acc = finalAcc;
                    loss = finalLoss;
                }
                out.write("{\"step\": ");
                out.write(Integer.toString(step));
                out.write(", \"loss\": ");
                out.write(step == nan ? "NaN" : String.format(Locale.ROOT, "%.6f", loss));
                out.write(", \"val_acc\": ");
                out.write(String.format(Locale.ROOT, "%.6f", acc));
                out.write("}\n");
            }
        }
    }
}

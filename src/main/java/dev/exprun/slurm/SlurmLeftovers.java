package dev.exprun.slurm;

import dev.exprun.container.BuildIdentity;
import dev.exprun.container.LeftoverSweeper.Leftover;
import dev.exprun.core.ExpLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cancels the jobs that killed builds of this project left in the queue (SIGKILL skips every hook):
 * each job's comment names its project, its build (host, pid, start time) and its run. Jobs of live
 * builds, of other projects and of other hosts' builds are never touched.
 */
final class SlurmLeftovers {
    private static final Pattern COMMENT = Pattern.compile(
            "exprun project=(\\S+) build=([^/\\s]+)/(\\d+)/(\\d+) run=([^|\\s]+)");

    private final SlurmCommands commands;
    private final ExpLog log;

    SlurmLeftovers(SlurmCommands commands, ExpLog log) {
        this.commands = commands;
        this.log = log;
    }

    /** The job comment that ties a job to its project, build and run. */
    static String comment(String project, String host, String pid, String started, String runId) {
        return "exprun project=" + project + " build=" + host + "/" + pid + "/" + started + " run=" + runId;
    }

    List<Leftover> cancel(String project, Consumer<Leftover> beforeRemoval) {
        SlurmCommands.Result r = commands.run("squeue", List.of("--me", "--noheader", "--Format=JobID:|,Comment:|"));
        if (!r.ok()) {
            log.warn("Could not list this user's Slurm jobs (" + r.message() + "); jobs of killed builds stay queued until the next build");
            return List.of();
        }
        String thisHost = BuildIdentity.current().host();
        List<Leftover> cancelled = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.strip().split("\\|", 2);
            if (f.length < 2) {
                continue;
            }
            Matcher m = COMMENT.matcher(f[1]);
            if (!m.find() || !m.group(1).equals(project)) {
                continue;
            }
            BuildIdentity owner = new BuildIdentity(m.group(2), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
            if (owner.isAlive(thisHost)) {
                continue;
            }
            String jobId = f[0].trim();
            Leftover leftover = new Leftover(m.group(5), null, owner);
            log.warn("Cancelling Slurm job " + jobId + " of run " + leftover.runId() + " (its build, pid " + owner.pid() + ", is gone)");
            try {
                beforeRemoval.accept(leftover);
            } catch (RuntimeException e) {
                log.warn("Could not finish the record of run " + leftover.runId() + ": " + e.getMessage());
            }
            SlurmCommands.Result c = commands.run("scancel", List.of(jobId));
            if (c.ok()) {
                cancelled.add(leftover);
            } else {
                log.warn("Could not cancel Slurm job " + jobId + " (" + c.message() + "); the next build tries again");
            }
        }
        return cancelled;
    }
}

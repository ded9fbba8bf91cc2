package dev.exprun.lease;

import dev.exprun.container.BuildIdentity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Who holds a GPU lease: the build process (pid on host), its project and work tree, and what the lease
 * is for ("trial t03", "run 20261130-..."). Written as one JSON line into the lock file of every device
 * it leases, so that a waiting build can say who it waits for.
 *
 * @param project  groupId:artifactId of the build
 * @param workTree the work tree the build runs in (linked worktrees of one repository differ here)
 * @param purpose  what the lease is for; null in the build-wide holder that {@link #current} returns
 * @param since    when the lease was taken (ISO-8601, seconds); null in the build-wide holder
 */
public record LeaseHolder(long pid, String host, String project, String workTree, String purpose, String since) {

    /** This build process; purpose and since are filled per lease. */
    public static LeaseHolder current(String project, String workTree) {
        BuildIdentity self = BuildIdentity.current();
        return new LeaseHolder(self.pid(), self.host(), project, workTree, null, null);
    }

    LeaseHolder forLease(String leasePurpose, Instant at) {
        return new LeaseHolder(pid, host, project, workTree, leasePurpose, at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** "pid 4242 (dev.exprun.it:sweep-a, /tmp/x/wt-b, trial t01) since 2026-11-30T15:20:01Z"; the host only when not ours. */
    String describe(String thisHost) {
        StringBuilder s = new StringBuilder("pid ").append(pid);
        if (host != null && !host.equals(thisHost)) {
            s.append(" on ").append(host);
        }
        s.append(" (").append(project).append(", ").append(workTree);
        if (purpose != null) {
            s.append(", ").append(purpose);
        }
        s.append(')');
        if (since != null) {
            s.append(" since ").append(since);
        }
        return s.toString();
    }
}

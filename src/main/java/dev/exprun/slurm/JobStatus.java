package dev.exprun.slurm;

import java.util.List;
import java.util.Set;

/**
 * A job as squeue or sacct last described it. exitCode and signal come from Slurm's raw wait status
 * (squeue) or its "code:signal" (sacct); null while the job runs.
 */
public record JobStatus(String jobId, String state, String reason, Integer exitCode, Integer signal, String nodes, String partition,
                        String elapsed, int restarts) {

    /** Slurm's states after which a job never runs again (REQUEUED, PENDING and COMPLETING are not among them). */
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "PREEMPTED", "NODE_FAIL",
            "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED");
    /** The fields squeue -O prints for each job, in this order (Reason may hold spaces; nothing here holds a |). */
    static final String SQUEUE_FORMAT = "JobID:|,State:|,Reason:|,exit_code:|,NodeList:|,Partition:|,TimeUsed:|,RestartCnt:|";
    static final String SACCT_FORMAT = "JobID,State,ExitCode,NodeList,Partition,Elapsed";

    public boolean ended() {
        return FINAL.contains(state);
    }

    public boolean running() {
        return state.equals("RUNNING") || state.equals("COMPLETING");
    }

    /** "3:0" as Slurm shows it; null while unknown. */
    public String exitText() {
        return exitCode == null ? null : exitCode + ":" + (signal == null ? 0 : signal);
    }

    /** One line of {@code squeue -h -O} {@value #SQUEUE_FORMAT}; null when it is not one. */
    static JobStatus fromSqueue(String line) {
        String[] f = line.strip().split("\\|", -1);
        if (f.length < 8 || f[0].isBlank()) {
            return null;
        }
        Integer code = null;
        Integer signal = null;
        try {
            int raw = Integer.parseInt(f[3].trim());
            // squeue prints the wait status: exit code in the high byte, the signal in the low 7 bits
            code = (raw >> 8) & 0xff;
            signal = raw & 0x7f;
        } catch (NumberFormatException e) {
            // "N/A" while it runs
        }
        return new JobStatus(f[0].trim(), f[1].trim(), blankToNull(f[2]), code, signal, blankToNull(f[4]), blankToNull(f[5]),
                blankToNull(f[6]), integer(f[7]));
    }

    /** One line of {@code sacct -n -P -X -o} {@value #SACCT_FORMAT}: the state may read "CANCELLED by 0". */
    static JobStatus fromSacct(String line) {
        String[] f = line.strip().split("\\|", -1);
        if (f.length < 6 || f[0].isBlank()) {
            return null;
        }
        String state = f[1].trim();
        int space = state.indexOf(' ');
        String[] exit = f[2].trim().split(":");
        Integer code = exit.length == 2 ? integerOrNull(exit[0]) : null;
        Integer signal = exit.length == 2 ? integerOrNull(exit[1]) : null;
        return new JobStatus(f[0].trim(), space < 0 ? state : state.substring(0, space), space < 0 ? null : state.substring(space + 1),
                code, signal, blankToNull(f[3]), blankToNull(f[4]), blankToNull(f[5]), 0);
    }

    static List<JobStatus> parseSqueue(String out) {
        return out.lines().map(JobStatus::fromSqueue).filter(s -> s != null).toList();
    }

    static List<JobStatus> parseSacct(String out) {
        return out.lines().map(JobStatus::fromSacct).filter(s -> s != null && !s.jobId().contains(".")).toList();
    }

    /** The same job with what sacct does not know (the restart count) kept from what squeue said before. */
    JobStatus withRestarts(int count) {
        return new JobStatus(jobId, state, reason, exitCode, signal, nodes, partition, elapsed, Math.max(restarts, count));
    }

    private static String blankToNull(String s) {
        String t = s.trim();
        return t.isEmpty() || t.equals("(null)") || t.equals("None") || t.equals("N/A") || t.equals("None assigned") ? null : t;
    }

    private static int integer(String s) {
        Integer i = integerOrNull(s);
        return i == null ? 0 : i;
    }

    private static Integer integerOrNull(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

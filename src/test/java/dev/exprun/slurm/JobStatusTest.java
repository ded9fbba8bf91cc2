package dev.exprun.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * squeue and sacct lines as this cluster prints them (squeue -h -O {@value JobStatus#SQUEUE_FORMAT}, sacct -n -P -X -o
 * {@value JobStatus#SACCT_FORMAT}): the state, whether the job has ended or runs, and its exit as Slurm shows it.
 */
class JobStatusTest {

    private static JobStatus squeue(String line) {
        List<JobStatus> all = JobStatus.parseSqueue(line);
        assertEquals(1, all.size(), line);
        return all.get(0);
    }

    @Test
    void theFormatsAreTheOnesTheParsersRead() {
        assertEquals("JobID:|,State:|,Reason:|,exit_code:|,NodeList:|,Partition:|,TimeUsed:|,RestartCnt:|", JobStatus.SQUEUE_FORMAT);
        assertEquals("JobID,State,ExitCode,NodeList,Partition,Elapsed", JobStatus.SACCT_FORMAT);
    }

    @Test
    void aCompletedJob() {
        JobStatus s = squeue("1|COMPLETED|None|0|vm|debug|0:00|0|");
        assertEquals("1", s.jobId());
        assertEquals("COMPLETED", s.state());
        assertNull(s.reason(), "None is no reason");
        assertEquals(0, s.exitCode());
        assertEquals(0, s.signal());
        assertEquals("vm", s.nodes());
        assertEquals("debug", s.partition());
        assertEquals("0:00", s.elapsed());
        assertEquals(0, s.restarts());
        assertTrue(s.ended());
        assertFalse(s.running());
        assertEquals("0:0", s.exitText());
    }

    @Test
    void aLaunchFailureIsTheSignalInTheLowBitsOfTheWaitStatus() {
        JobStatus s = squeue("2|FAILED|JobLaunchFailure|4021|vm|debug|0:00|0|");
        assertEquals("FAILED", s.state());
        assertEquals("JobLaunchFailure", s.reason());
        assertEquals(53, s.signal(), "4021 & 0x7f");
        assertEquals(15, s.exitCode(), "(4021 >> 8) & 0xff, as WEXITSTATUS reads the same status");
        assertEquals("15:53", s.exitText());
        assertTrue(s.ended());
        assertFalse(s.running());
    }

    @Test
    void aNonZeroExitIsTheHighByteOfTheWaitStatus() {
        JobStatus s = squeue("3|FAILED|NonZeroExitCode|24832|vm|debug|0:00|0|");
        assertEquals(97, s.exitCode(), "24832 = 97 << 8: the job script's NO_SHARED_DIR");
        assertEquals(JobScript.NO_SHARED_DIR, s.exitCode());
        assertEquals(0, s.signal());
        assertEquals("97:0", s.exitText());
        assertEquals("NonZeroExitCode", s.reason());
        assertTrue(s.ended());
    }

    @Test
    void aPendingJobHasNoNodesAndNoExitYet() {
        JobStatus s = squeue("5|PENDING|BeginTime|N/A||debug|0:00|1|");
        assertEquals("5", s.jobId());
        assertEquals("PENDING", s.state());
        assertEquals("BeginTime", s.reason());
        assertNull(s.exitCode(), "N/A while it has not run");
        assertNull(s.signal());
        assertNull(s.exitText());
        assertNull(s.nodes());
        assertEquals("debug", s.partition());
        assertEquals(1, s.restarts(), "a requeued job pending again");
        assertFalse(s.ended());
        assertFalse(s.running());
    }

    @Test
    void aRunningJob() {
        JobStatus s = squeue("23|RUNNING|None|0|vm|debug|1:04|0|");
        assertEquals("RUNNING", s.state());
        assertTrue(s.running());
        assertFalse(s.ended());
        assertNull(s.reason());
        assertEquals("vm", s.nodes());
        assertEquals("1:04", s.elapsed());
    }

    @Test
    void completingStillRunsAndRequeuedHasNotEnded() {
        JobStatus completing = squeue("8|COMPLETING|None|0|vm|debug|0:09|0|");
        assertTrue(completing.running());
        assertFalse(completing.ended(), "COMPLETING is not final: the exit may still change");
        JobStatus requeued = squeue("9|REQUEUED|None|0|vm|debug|0:09|2|");
        assertFalse(requeued.running());
        assertFalse(requeued.ended(), "a requeued job runs again");
        assertEquals(2, requeued.restarts());
    }

    @Test
    void everyFinalStateHasEnded() {
        for (String state : List.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                "DEADLINE", "REVOKED")) {
            JobStatus s = squeue("10|" + state + "|None|0|vm|debug|0:01|0|");
            assertTrue(s.ended(), state);
            assertFalse(s.running(), state);
        }
        for (String state : List.of("PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED", "CONFIGURING", "RESIZING")) {
            assertFalse(squeue("10|" + state + "|None|N/A||debug|0:01|0|").ended(), state);
        }
    }

    @Test
    void paddedFieldsAreTrimmed() {
        JobStatus s = squeue("  31    |RUNNING   |None   |0   |vm   |debug  |12:00   |0    |  ");
        assertEquals("31", s.jobId());
        assertEquals("RUNNING", s.state());
        assertEquals("vm", s.nodes());
        assertEquals("debug", s.partition());
        assertEquals("12:00", s.elapsed());
    }

    @Test
    void squeueOutputOfSeveralJobsSkipsWhatIsNotAJobLine() {
        List<JobStatus> all = JobStatus.parseSqueue("""
                1|COMPLETED|None|0|vm|debug|0:00|0|

                slurm_load_jobs error: Socket timed out on send/recv operation
                |RUNNING|None|0|vm|debug|0:00|0|
                5|PENDING|BeginTime|N/A||debug|0:00|1|
                7|RUNNING|None
                """);
        assertEquals(List.of("1", "5"), all.stream().map(JobStatus::jobId).toList());
        assertNull(JobStatus.fromSqueue("7|RUNNING|None"), "fewer than 8 fields");
        assertNull(JobStatus.fromSqueue("|RUNNING|None|0|vm|debug|0:00|0|"), "no job id");
    }

    @Test
    void sacctCancelledByAUserKeepsWhoAsTheReasonAndTheSignal() {
        JobStatus s = JobStatus.fromSacct("12|CANCELLED by 0|0:15|vm|debug|00:00:07");
        assertEquals("12", s.jobId());
        assertEquals("CANCELLED", s.state());
        assertEquals("by 0", s.reason());
        assertEquals(0, s.exitCode());
        assertEquals(15, s.signal());
        assertEquals("0:15", s.exitText());
        assertEquals("vm", s.nodes());
        assertEquals("debug", s.partition());
        assertEquals("00:00:07", s.elapsed());
        assertEquals(0, s.restarts(), "sacct does not know it");
        assertTrue(s.ended());
        assertFalse(s.running());
    }

    @Test
    void sacctCompleted() {
        JobStatus s = JobStatus.fromSacct("13|COMPLETED|0:0|vm|debug|00:00:02");
        assertEquals("COMPLETED", s.state());
        assertNull(s.reason());
        assertEquals("0:0", s.exitText());
        assertTrue(s.ended());
    }

    @Test
    void sacctFailedWithItsExitCode() {
        JobStatus s = JobStatus.fromSacct("14|FAILED|97:0|vm|debug|00:00:01");
        assertEquals(97, s.exitCode());
        assertEquals(0, s.signal());
        assertEquals("97:0", s.exitText());
    }

    @Test
    void sacctStepsAreNotJobs() {
        List<JobStatus> all = JobStatus.parseSacct("""
                12|CANCELLED by 0|0:15|vm|debug|00:00:07
                12.batch|CANCELLED|0:15|vm||00:00:08
                12.extern|COMPLETED|0:0|vm||00:00:07
                13|COMPLETED|0:0|vm|debug|00:00:02
                13.batch|COMPLETED|0:0|vm||00:00:02
                13.0|COMPLETED|0:0|vm||00:00:01
                """);
        assertEquals(List.of("12", "13"), all.stream().map(JobStatus::jobId).toList());
        assertEquals("CANCELLED", all.get(0).state());
        assertEquals("COMPLETED", all.get(1).state());
    }

    @Test
    void sacctWithoutAnExitOrNodes() {
        JobStatus s = JobStatus.fromSacct("15|PENDING||None assigned|debug|00:00:00");
        assertNull(s.exitCode());
        assertNull(s.exitText());
        assertFalse(s.ended());
        assertNull(JobStatus.fromSacct("15|PENDING|0:0"), "fewer than 6 fields");
        assertEquals(List.of(), JobStatus.parseSacct("Slurm accounting storage is disabled\n"));
    }

    @Test
    void restartsAreKeptAtTheirHighest() {
        JobStatus s = JobStatus.fromSacct("13|COMPLETED|0:0|vm|debug|00:00:02");
        assertEquals(2, s.withRestarts(2).restarts());
        assertEquals(2, s.withRestarts(2).withRestarts(1).restarts());
        assertEquals("COMPLETED", s.withRestarts(2).state());
    }
}

package dev.exprun.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ImageReference;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad Slurm setting is refused with the value named before anything is queued; the time limit as sbatch
 * takes it; the pinned image as each node runtime names it.
 */
class SlurmSettingsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String IMAGE_ID = "sha256:" + "cd".repeat(32);

    @TempDir
    Path baseDir;

    private static SlurmConfiguration config(String partition, String cpus, String mem, List<String> sbatchArgs, String runtime,
                                             String sharedDir, String poll, String requeue) {
        return new SlurmConfiguration(partition, null, null, cpus, mem, sbatchArgs, runtime, sharedDir, poll, requeue);
    }

    private SlurmSettings settings(SlurmConfiguration c) {
        return SlurmSettings.from(c, baseDir);
    }

    /** The refusal's message, which must name the bad value; its fix must say what to set. */
    private ExpError refused(SlurmConfiguration c, String value) {
        ExpError e = assertThrows(ExpError.class, () -> settings(c));
        assertTrue(e.getMessage().contains("'" + value + "'"), () -> "the message names '" + value + "': " + e.getMessage());
        assertNotNull(e.fix());
        assertFalse(e.fix().isBlank());
        return e;
    }

    private static SlurmConfiguration poll(String value) {
        return config(null, null, null, List.of(), null, null, value, null);
    }

    private static SlurmConfiguration sbatch(String... args) {
        return config(null, null, null, List.of(args), null, null, null, null);
    }

    @Test
    void defaults() {
        SlurmSettings s = settings(SlurmConfiguration.NONE);
        assertEquals(Duration.ofSeconds(5), s.pollInterval());
        assertEquals(SlurmSettings.DEFAULT_POLL, s.pollInterval());
        assertEquals(ContainerRuntime.PODMAN, s.runtime());
        assertFalse(s.requeue());
        assertNull(s.sharedDir(), "the project's own run directory");
        assertNull(s.partition());
        assertNull(s.account());
        assertNull(s.qos());
        assertNull(s.cpusPerTask());
        assertNull(s.mem());
        assertEquals(List.of(), s.sbatchArgs());
        SlurmSettings blank = settings(new SlurmConfiguration(" ", "", " ", "", " ", null, " ", "", " ", ""));
        assertEquals(s, blank, "blank is unset");
    }

    @Test
    void pollIntervalBelowASecondIsRefused() {
        ExpError e = refused(poll("500ms"), "500ms");
        assertTrue(e.getMessage().contains("below a second"), e.getMessage());
        assertTrue(refused(poll("0s"), "0s").getMessage().contains("below a second"));
        assertTrue(refused(poll("0"), "0").getMessage().contains("below a second"));
        assertTrue(refused(poll("-5s"), "-5s").getMessage().contains("below a second"));
    }

    @Test
    void pollIntervalThatIsNoDurationIsRefused() {
        for (String bad : List.of("abc", "5h", "s", "ms", "1.5s", "5 s")) {
            assertTrue(refused(poll(bad), bad).getMessage().contains("not a duration"), bad);
        }
    }

    @Test
    void pollIntervalsAccepted() {
        assertEquals(Duration.ofSeconds(1), settings(poll("1s")).pollInterval());
        assertEquals(Duration.ofSeconds(1), settings(poll("1000ms")).pollInterval());
        assertEquals(Duration.ofSeconds(2), settings(poll(" 2 ")).pollInterval(), "a bare number is seconds");
        assertEquals(Duration.ofMinutes(1), settings(poll("1m")).pollInterval());
        assertEquals(Duration.ofMillis(1500), settings(poll("1500ms")).pollInterval());
    }

    @Test
    void cpusPerTaskMustBeAWholeNumberFromOne() {
        refused(config(null, "0", null, List.of(), null, null, null, null), "0");
        refused(config(null, "x", null, List.of(), null, null, null, null), "x");
        refused(config(null, "-2", null, List.of(), null, null, null, null), "-2");
        refused(config(null, "1.5", null, List.of(), null, null, null, null), "1.5");
        assertEquals(8, settings(config(null, " 8 ", null, List.of(), null, null, null, null)).cpusPerTask());
    }

    @Test
    void memMustBeASlurmSize() {
        refused(config(null, null, "lots", List.of(), null, null, null, null), "lots");
        refused(config(null, null, "32GB", List.of(), null, null, null, null), "32GB");
        refused(config(null, null, "1.5G", List.of(), null, null, null, null), "1.5G");
        assertEquals("32G", settings(config(null, null, "32g", List.of(), null, null, null, null)).mem());
        assertEquals("4096", settings(config(null, null, "4096", List.of(), null, null, null, null)).mem());
        assertEquals("512M", settings(config(null, null, " 512m ", List.of(), null, null, null, null)).mem());
    }

    @Test
    void partitionAccountAndQosMustBeSlurmNames() {
        refused(config("a b", null, null, List.of(), null, null, null, null), "a b");
        refused(config("gpu;rm -rf /", null, null, List.of(), null, null, null, null), "gpu;rm -rf /");
        ExpError account = assertThrows(ExpError.class, () -> settings(new SlurmConfiguration(null, "lab$x", null, null, null, List.of(),
                null, null, null, null)));
        assertTrue(account.getMessage().contains("account 'lab$x'"), account.getMessage());
        ExpError qos = assertThrows(ExpError.class, () -> settings(new SlurmConfiguration(null, null, "high prio", null, null, List.of(),
                null, null, null, null)));
        assertTrue(qos.getMessage().contains("qos 'high prio'"), qos.getMessage());
        SlurmSettings s = settings(new SlurmConfiguration(" gpu-a100 ", "lab_1", "normal", null, null, List.of(), null, null, null, null));
        assertEquals("gpu-a100", s.partition());
        assertEquals("lab_1", s.account());
        assertEquals("normal", s.qos());
        assertEquals("debug,gpu", settings(config("debug,gpu", null, null, List.of(), null, null, null, null)).partition());
    }

    @Test
    void sbatchArgsThatSetWhatTheExecutorSetsAreRefused() {
        for (String ours : List.of("--output=x", "-o x", "-ox", "--job-name", "--job-name=mine", "-J mine", "--export=NONE", "--time=1",
                "-t 10", "--no-requeue", "--requeue", "--error=e.log", "--open-mode=truncate", "--parsable", "--wait", "--comment=x",
                "--chdir=/tmp", "-D /tmp")) {
            ExpError e = refused(sbatch("--constraint=a100", ours), ours);
            assertTrue(e.getMessage().contains("sets what the executor sets itself"), ours + ": " + e.getMessage());
        }
    }

    @Test
    void sbatchArgsMustBeOptions() {
        ExpError e = refused(sbatch("foo"), "foo");
        assertTrue(e.getMessage().contains("not an option"), e.getMessage());
        refused(sbatch("--constraint=a100", "a100"), "a100");
    }

    @Test
    void sbatchArgsAccepted() {
        SlurmSettings s = settings(sbatch(" --constraint=a100 ", "--gres-flags=enforce-binding", "", "  ", "--exclusive",
                "--nodelist=vm", "-N1"));
        assertEquals(List.of("--constraint=a100", "--gres-flags=enforce-binding", "--exclusive", "--nodelist=vm", "-N1"), s.sbatchArgs());
        assertEquals(List.of(), settings(config(null, null, null, null, null, null, null, null)).sbatchArgs(), "null is none");
    }

    @Test
    void containerRuntime() {
        refused(config(null, null, null, List.of(), "singularity2", null, null, null), "singularity2");
        refused(config(null, null, null, List.of(), "enroot", null, null, null), "enroot");
        assertEquals(ContainerRuntime.DOCKER, settings(config(null, null, null, List.of(), "docker", null, null, null)).runtime());
        assertEquals(ContainerRuntime.APPTAINER, settings(config(null, null, null, List.of(), " Apptainer ", null, null, null)).runtime());
        assertEquals(ContainerRuntime.PYXIS, settings(config(null, null, null, List.of(), "PYXIS", null, null, null)).runtime());
        assertEquals(ContainerRuntime.PODMAN, settings(config(null, null, null, List.of(), "podman", null, null, null)).runtime());
    }

    @Test
    void requeueIsTrueOrFalse() {
        refused(config(null, null, null, List.of(), null, null, null, "yes"), "yes");
        refused(config(null, null, null, List.of(), null, null, null, "1"), "1");
        assertTrue(settings(config(null, null, null, List.of(), null, null, null, "TRUE")).requeue());
        assertFalse(settings(config(null, null, null, List.of(), null, null, null, "false")).requeue());
    }

    @Test
    void sharedDirIsResolvedAgainstTheBaseDir() {
        Path relative = settings(config(null, null, null, List.of(), null, "shared/runs", null, null)).sharedDir();
        assertEquals(baseDir.resolve("shared/runs").toAbsolutePath().normalize(), relative);
        assertTrue(relative.isAbsolute());
        Path up = settings(config(null, null, null, List.of(), null, " ../nfs/./runs ", null, null)).sharedDir();
        assertEquals(baseDir.toAbsolutePath().getParent().resolve("nfs/runs"), up);
        Path absolute = settings(config(null, null, null, List.of(), null, "/scratch/team/../exp", null, null)).sharedDir();
        assertEquals(Path.of("/scratch/exp"), absolute);
    }

    @Test
    void timeLimitIsDaysHoursMinutesSecondsRoundedUp() {
        assertEquals("0-00:00:05", SlurmExecutor.timeLimit(Duration.ofSeconds(5)));
        assertEquals("0-01:30:00", SlurmExecutor.timeLimit(Duration.ofMinutes(90)));
        assertEquals("0-00:00:02", SlurmExecutor.timeLimit(Duration.ofMillis(1500)));
        assertEquals("0-00:00:01", SlurmExecutor.timeLimit(Duration.ofMillis(1)));
        assertEquals("0-00:00:01", SlurmExecutor.timeLimit(Duration.ZERO), "never 0, which Slurm reads as no limit");
        assertEquals("0-00:01:00", SlurmExecutor.timeLimit(Duration.ofSeconds(60)));
        assertEquals("0-23:59:59", SlurmExecutor.timeLimit(Duration.ofDays(1).minusSeconds(1)));
        assertEquals("2-00:00:01", SlurmExecutor.timeLimit(Duration.ofDays(2).plusSeconds(1)));
        assertEquals("12-03:04:05", SlurmExecutor.timeLimit(Duration.ofDays(12).plusHours(3).plusMinutes(4).plusSeconds(5)));
    }

    private static ResolvedImage pushed(String reference) {
        return new ResolvedImage(ImageReference.parse(reference), IMAGE_ID, DIGEST, ResolvedImage.REPO_DIGEST, List.of());
    }

    private static ResolvedImage local(String reference) {
        return new ResolvedImage(ImageReference.parse(reference), IMAGE_ID, IMAGE_ID, ResolvedImage.IMAGE_ID, List.of());
    }

    @Test
    void aPushedImageGoesByNameAndDigest() {
        ResolvedImage image = pushed("registry.example:5000/team/train:v1");
        assertEquals("registry.example:5000/team/train@" + DIGEST, SlurmExecutor.nodeImage(image, ContainerRuntime.PODMAN));
        assertEquals("registry.example:5000/team/train@" + DIGEST, SlurmExecutor.nodeImage(image, ContainerRuntime.DOCKER));
        assertEquals("registry.example:5000/team/train@" + DIGEST, SlurmExecutor.nodeImage(image, ContainerRuntime.APPTAINER));
        assertEquals("registry.example:5000#team/train@" + DIGEST, SlurmExecutor.nodeImage(image, ContainerRuntime.PYXIS),
                "enroot separates the registry with #");
        ResolvedImage hub = pushed("pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime");
        assertEquals("pytorch/pytorch@" + DIGEST, SlurmExecutor.nodeImage(hub, ContainerRuntime.APPTAINER));
        assertEquals("pytorch/pytorch@" + DIGEST, SlurmExecutor.nodeImage(hub, ContainerRuntime.PYXIS));
        ResolvedImage pinned = pushed("ghcr.io/org/img@" + DIGEST);
        assertEquals("ghcr.io#org/img@" + DIGEST, SlurmExecutor.nodeImage(pinned, ContainerRuntime.PYXIS));
        assertEquals("ghcr.io/org/img@" + DIGEST, SlurmExecutor.nodeImage(pinned, ContainerRuntime.PODMAN));
    }

    @Test
    void aNeverPushedImageGoesByImageIdForTheEnginesOnly() {
        for (ResolvedImage image : List.of(local(IMAGE_ID), local("train:dev"))) {
            assertEquals(IMAGE_ID, SlurmExecutor.nodeImage(image, ContainerRuntime.PODMAN));
            assertEquals(IMAGE_ID, SlurmExecutor.nodeImage(image, ContainerRuntime.DOCKER));
            for (ContainerRuntime pulling : List.of(ContainerRuntime.APPTAINER, ContainerRuntime.PYXIS)) {
                ExpError e = assertThrows(ExpError.class, () -> SlurmExecutor.nodeImage(image, pulling));
                assertTrue(e.getMessage().contains(image.reference().toString()), e.getMessage());
                assertTrue(e.getMessage().contains(pulling.text()), e.getMessage());
                assertTrue(e.getMessage().contains("never pushed"), e.getMessage());
                assertTrue(e.fix().contains("push the image"), e.fix());
            }
        }
    }

    @Test
    void anImageIdReferenceNeverGoesByRegistryEvenWithARepoDigestSource() {
        ResolvedImage byId = new ResolvedImage(ImageReference.parse(IMAGE_ID), IMAGE_ID, DIGEST, ResolvedImage.REPO_DIGEST, List.of());
        assertEquals(IMAGE_ID, SlurmExecutor.nodeImage(byId, ContainerRuntime.PODMAN));
        assertThrows(ExpError.class, () -> SlurmExecutor.nodeImage(byId, ContainerRuntime.APPTAINER));
    }
}

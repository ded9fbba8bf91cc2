package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.exprun.core.ExpError;
import dev.exprun.gate.MetricDirection;
import dev.exprun.testing.Projects;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad sweep setting is refused with the value and the fix before anything runs. */
class SweepSettingsTest {
    @TempDir
    Path tmp;

    private Sweeps sweep() {
        Sweeps s = new Sweeps();
        s.line = "lr=0.1,0.01";
        return s;
    }

    private SweepSettings settings(Sweeps s, Projects.Config run) {
        return SweepSettings.from(s.of(run.build()));
    }

    private SweepSettings settings(Sweeps s) {
        return settings(s, Projects.config(tmp, "p", "true"));
    }

    private String refused(Sweeps s) {
        return assertThrows(ExpError.class, () -> settings(s)).getMessage();
    }

    @Test
    void defaultsRunOneTrialAtATimeWithoutGpus() {
        SweepSettings s = settings(sweep());
        assertEquals(1, s.parallelFor(0));
        assertEquals(FailurePolicy.FAIL_AT_END, s.failurePolicy());
        assertEquals(0, s.retries());
        assertNull(s.objective());
        assertNull(s.resume());
    }

    @Test
    void parallelDefaultsToWhatTheGpusAllow() {
        Sweeps s = sweep();
        s.gpusPerTrial = "2";
        s.gpuDevices = "0,1,2,3,4";
        assertEquals(2, settings(s).parallelFor(5));
        assertEquals(List.of("0", "1", "2", "3", "4"), settings(s).gpuDevices());
    }

    @Test
    void gpusWouldGiveEveryTrialTheSameGpus() {
        Projects.Config run = Projects.config(tmp, "p", "true");
        run.gpus = "all";
        String message = assertThrows(ExpError.class, () -> settings(sweep(), run)).getMessage();
        assertEquals("gpus=all would give every trial the same GPUs.", message);
    }

    @Test
    void contradictoryGpuSettingsAreRefused() {
        Sweeps devicesWithoutGpus = sweep();
        devicesWithoutGpus.gpuDevices = "0,1";
        assertEquals("gpuDevices=0,1 is set, and gpusPerTrial is 0: no trial would get a GPU.", refused(devicesWithoutGpus));
        Sweeps tooMany = sweep();
        tooMany.gpusPerTrial = "3";
        tooMany.gpuDevices = "0,1";
        assertEquals("gpusPerTrial=3 is more than the 2 GPU(s) of gpuDevices=0,1.", refused(tooMany));
        Sweeps overbooked = sweep();
        overbooked.gpusPerTrial = "1";
        overbooked.gpuDevices = "0,1";
        overbooked.parallel = "3";
        assertEquals("parallel=3 trials with 1 GPU(s) each need 3 GPUs, and gpuDevices has 2.", refused(overbooked));
        Sweeps twice = sweep();
        twice.gpusPerTrial = "1";
        twice.gpuDevices = "0,0";
        assertEquals("gpuDevices '0,0' names 0 twice.", refused(twice));
        Sweeps typo = sweep();
        typo.gpusPerTrial = "1";
        typo.gpuDevices = "0,al";
        assertEquals(true, refused(typo).contains("'al'"));
    }

    @Test
    void badNumbersAreRefusedWithTheElementAndProperty() {
        Sweeps parallel = sweep();
        parallel.parallel = "many";
        assertEquals("The parallel 'many' is not a whole number of 0 or more.", refused(parallel));
        Sweeps zero = sweep();
        zero.parallel = "0";
        assertEquals("parallel=0 would run no trial.", refused(zero));
        Sweeps retries = sweep();
        retries.retries = "-1";
        assertEquals("The retries '-1' is not a whole number of 0 or more.", refused(retries));
        Sweeps cpus = sweep();
        cpus.cpusPerTrial = "0";
        assertEquals("The cpusPerTrial '0' is not a positive number of CPUs.", refused(cpus));
        Sweeps memory = sweep();
        memory.memoryPerTrial = "1m";
        assertEquals("The memoryPerTrial '1m' is below the 6m an engine accepts.", refused(memory));
        Sweeps policy = sweep();
        policy.failurePolicy = "never";
        assertEquals("The failurePolicy 'never' is not fail-at-end, fail-fast or ignore.", refused(policy));
    }

    @Test
    void limitsAndObjectiveAreParsed() {
        Sweeps s = sweep();
        s.cpusPerTrial = "1.5";
        s.memoryPerTrial = "8g";
        s.objective = "val_acc";
        s.failurePolicy = "fail-fast";
        SweepSettings settings = settings(s);
        assertEquals(1_500_000_000L, settings.limits().nanoCpus());
        assertEquals(8L << 30, settings.limits().memoryBytes());
        assertEquals(MetricDirection.HIGHER_IS_BETTER, settings.direction());
        assertEquals(FailurePolicy.FAIL_FAST, settings.failurePolicy());
    }

    @Test
    void anObjectiveWhoseDirectionCannotBeToldIsRefused() {
        Sweeps s = sweep();
        s.objective = "score";
        assertEquals("Cannot tell from its name whether the metric 'score' is better higher or lower.", refused(s));
    }

    @Test
    void aSweptParamFixedOnTheCommandLineIsRefused() {
        Projects.Config run = Projects.config(tmp, "p", "true");
        run.paramOverrides.put("lr", "0.5");
        String message = assertThrows(ExpError.class, () -> settings(sweep(), run)).getMessage();
        assertEquals("The swept param 'lr' is also fixed by -Dexp.param.lr.", message);
    }
}

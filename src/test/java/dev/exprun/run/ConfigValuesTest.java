package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
    @Test
    void durations() {
        assertEquals(Duration.ofMinutes(90), ConfigValues.duration("90m", "timeout", "exp.timeout"));
        assertEquals(Duration.ofMinutes(90), ConfigValues.duration("1h30m", "timeout", "exp.timeout"));
        assertEquals(Duration.ofSeconds(45), ConfigValues.duration("45s", "timeout", "exp.timeout"));
        assertEquals(Duration.ofHours(2), ConfigValues.duration("PT2H", "timeout", "exp.timeout"));
        assertNull(ConfigValues.duration(" ", "timeout", "exp.timeout"));
        assertEquals("1h30m", ConfigValues.format(Duration.ofMinutes(90)));
        assertEquals("2s", ConfigValues.format(Duration.ofSeconds(2)));
    }

    @Test
    void aDurationWithoutUnitIsRefusedWithTheFix() {
        ExpError e = assertThrows(ExpError.class, () -> ConfigValues.duration("90", "timeout", "exp.timeout"));
        assertTrue(e.getMessage().contains("'90'"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.timeout"), e.fix());
        assertThrows(ExpError.class, () -> ConfigValues.duration("0s", "timeout", "exp.timeout"));
    }

    @Test
    void sizes() {
        assertEquals(2L << 30, ConfigValues.size("2g", "shmSize", "exp.shmSize"));
        assertEquals(512L << 20, ConfigValues.size("512MiB", "shmSize", "exp.shmSize"));
        assertEquals(1024, ConfigValues.size("1024", "shmSize", "exp.shmSize"));
        ExpError e = assertThrows(ExpError.class, () -> ConfigValues.size("lots", "shmSize", "exp.shmSize"));
        assertTrue(e.fix().contains("<shmSize>"));
    }
}

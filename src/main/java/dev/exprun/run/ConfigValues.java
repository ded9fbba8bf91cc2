package dev.exprun.run;

import dev.exprun.core.ExpError;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human forms of durations ("90m", "1h30m", "PT90M") and sizes ("2g", "512m"). */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

    private ConfigValues() {
    }

    /** null or blank = no limit. */
    public static Duration duration(String value, String element, String property) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        String fix = "set <" + element + "> (-D" + property + ") to a duration such as 90m, 1h30m, 45s or PT2H";
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value, fix);
            } catch (DateTimeParseException e) {
                throw new ExpError("The " + element + " '" + value + "' is not a duration.", fix);
            }
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches() || v.isEmpty()) {
            throw new ExpError("The " + element + " '" + value + "' is not a duration (a unit is required).", fix);
        }
        Duration d = Duration.ofDays(num(m.group(1))).plusHours(num(m.group(2)))
                .plusMinutes(num(m.group(3))).plusSeconds(num(m.group(4)));
        return positive(d, value, fix);
    }

    /**
     * gpuWait: how long a run waits for a GPU another build holds. {@code forever} (the default: a sweep
     * in another work tree finishes its trials in time), {@code fail} (not at all: null means forever,
     * zero means fail), or a duration.
     */
    public static Duration gpuWait(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("forever")) {
            return null;
        }
        if (v.equals("fail") || v.equals("0")) {
            return Duration.ZERO;
        }
        return duration(value, "gpuWait", "exp.gpuWait");
    }

    private static Duration positive(Duration d, String value, String fix) {
        if (d.isZero() || d.isNegative()) {
            throw new ExpError("The duration '" + value + "' must be more than zero.", fix);
        }
        return d;
    }

    private static long num(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    public static long size(String value, String element, String property) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new ExpError("The " + element + " '" + value + "' is not a size.",
                    "set <" + element + "> (-D" + property + ") to a size such as 2g, 512m or a number of bytes");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** Prints a duration the way users write it: 90m, 1h30m, 45s. */
    public static String format(Duration d) {
        if (d == null) {
            return null;
        }
        long s = d.getSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}

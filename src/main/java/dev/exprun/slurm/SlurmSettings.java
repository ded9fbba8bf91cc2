package dev.exprun.slurm;

import dev.exprun.core.ExpError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checked Slurm settings: every bad value is refused here, before anything is queued. sharedDir null
 * is the project's own run directory (target/exp/runs); pollInterval is never below a second, so a build
 * never asks slurmctld more than once a second however many jobs it follows.
 */
public record SlurmSettings(
        String partition,
        String account,
        String qos,
        Integer cpusPerTask,
        String mem,
        List<String> sbatchArgs,
        ContainerRuntime runtime,
        Path sharedDir,
        Duration pollInterval,
        boolean requeue) {

    public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
    static final Duration MIN_POLL = Duration.ofSeconds(1);
    private static final Pattern MEM = Pattern.compile("[0-9]+[KMGTkmgt]?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,-]+");
    /** What the executor itself sets: the job's name, output, environment and requeue behaviour are not the user's to change. */
    private static final List<String> OURS = List.of("--job-name", "-J", "--output", "-o", "--error", "-e", "--export",
            "--open-mode", "--parsable", "--wait", "-W", "--requeue", "--no-requeue", "--comment", "--time", "-t", "--chdir", "-D");

    public static SlurmSettings from(SlurmConfiguration c, Path baseDir) {
        return new SlurmSettings(name(c.partition(), "partition", "exp.partition"), name(c.account(), "account", "exp.account"),
                name(c.qos(), "qos", "exp.qos"), cpus(c.cpusPerTask()), mem(c.mem()), sbatchArgs(c.sbatchArgs()),
                ContainerRuntime.parse(c.containerRuntime()), sharedDir(c.sharedDir(), baseDir), poll(c.pollInterval()),
                requeue(c.requeue()));
    }

    private static String name(String value, String element, String property) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (!NAME.matcher(v).matches()) {
            throw new ExpError("The " + element + " '" + value + "' is not a Slurm name (letters, digits, _ . , -).",
                    "set <" + element + "> (-D" + property + ") to a name that sinfo or sacctmgr lists");
        }
        return v;
    }

    private static Integer cpus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ExpError("The cpusPerTask '" + value + "' is not a whole number of CPUs (1 or more).",
                "set <cpusPerTask> (-Dexp.cpusPerTask) to e.g. 8");
    }

    private static String mem(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (!MEM.matcher(v).matches()) {
            throw new ExpError("The mem '" + value + "' is not a Slurm memory size (a number with K, M, G or T, e.g. 32G).",
                    "set <mem> (-Dexp.mem) as sbatch --mem takes it, e.g. 32G");
        }
        return v.toUpperCase(Locale.ROOT);
    }

    private static List<String> sbatchArgs(List<String> values) {
        List<String> args = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            if (value == null || value.isBlank()) {
                continue;
            }
            String v = value.trim();
            if (!v.startsWith("-")) {
                throw new ExpError("The sbatch argument '" + value + "' in <sbatchArgs> is not an option (it must start with -).",
                        "write each option with its value as one element, e.g. <sbatchArg>--constraint=a100</sbatchArg>");
            }
            String option = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
            // sbatch takes unambiguous prefixes of long options too (--out=x is --output=x)
            boolean abbreviated = option.startsWith("--") && option.length() > 3
                    && OURS.stream().anyMatch(o -> o.startsWith("--") && o.startsWith(option));
            if (OURS.contains(option) || abbreviated || OURS.stream().anyMatch(o -> o.length() == 2 && v.startsWith(o) && v.length() > 2)) {
                throw new ExpError("The sbatch argument '" + value + "' in <sbatchArgs> sets what the executor sets itself (" + OURS + ").",
                        "remove it: the job's name, output, time limit (<timeout>) and requeue (<requeue>) come from the plugin's settings");
            }
            args.add(v);
        }
        return List.copyOf(args);
    }

    private static Path sharedDir(String value, Path baseDir) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path path = Path.of(value.trim());
        return (path.isAbsolute() ? path : baseDir.resolve(path)).toAbsolutePath().normalize();
    }

    private static Duration poll(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_POLL;
        }
        Duration d;
        try {
            d = parseDuration(value.trim());
        } catch (RuntimeException e) {
            throw new ExpError("The pollInterval '" + value + "' is not a duration such as 5s or 1m.",
                    "set <pollInterval> (-Dexp.pollInterval) to e.g. 5s");
        }
        if (d.compareTo(MIN_POLL) < 0) {
            throw new ExpError("The pollInterval '" + value + "' is below a second: a build must not ask Slurm more often.",
                    "set <pollInterval> (-Dexp.pollInterval) to 1s or more (default 5s)");
        }
        return d;
    }

    private static Duration parseDuration(String v) {
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        char unit = v.charAt(v.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? v : v.substring(0, v.length() - 1));
        return switch (Character.isDigit(unit) ? 's' : unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException(v);
        };
    }

    private static boolean requeue(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ExpError("The requeue '" + value + "' is not true or false.", "set <requeue> (-Dexp.requeue) to true or false");
        }
        return v.equals("true");
    }
}

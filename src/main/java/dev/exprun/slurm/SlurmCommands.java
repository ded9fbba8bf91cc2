package dev.exprun.slurm;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.core.ExternalProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Slurm client commands of the machine the build runs on (sbatch, squeue, sacct, scancel), found on
 * the build's PATH and run without a shell. Counts what it runs, so the debug log (and the benchmark)
 * can say how hard a build leaned on slurmctld.
 */
public final class SlurmCommands {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> environment;
    private final Path workDir;
    private final ExpLog log;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** environment: the build's (PATH finds the commands; SLURM_CONF and the like reach them). */
    public SlurmCommands(Map<String, String> environment, Path workDir, ExpLog log) {
        this.environment = environment;
        this.workDir = workDir;
        this.log = log;
    }

    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }

        /** stderr's text without Slurm's "sbatch: error: " prefixes, on one line. */
        public String message() {
            String text = (err.isBlank() ? out : err).strip().replaceAll("(?m)^[a-z_]+: error: ", "");
            return text.replace('\n', ' ');
        }
    }

    /** Runs program with args; extraEnv is added to the build's environment (sbatch passes it on to the job). */
    public Result run(String program, List<String> args, Map<String, String> extraEnv) {
        List<String> command = new ArrayList<>();
        command.add(find(program).toString());
        command.addAll(args);
        counts.computeIfAbsent(program, p -> new AtomicLong()).incrementAndGet();
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(extraEnv);
        ExternalProgram.Result r = ExternalProgram.run(workDir, command, env, new byte[0], COMMAND_TIMEOUT);
        return new Result(r.exit(), r.outText(), r.err());
    }

    public Result run(String program, List<String> args) {
        return run(program, args, Map.of());
    }

    /** How many times each command ran, e.g. {sbatch=4, squeue=31, scancel=0}. */
    public Map<String, Long> counts() {
        Map<String, Long> copy = new HashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Fails before anything is queued when the Slurm commands are not there. */
    public void requireClient() {
        for (String program : List.of("sbatch", "squeue", "scancel")) {
            find(program);
        }
        log.debug("Slurm client: " + find("sbatch").getParent());
    }

    private Path find(String program) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new ExpError(program + " is not on the PATH of the build (" + (path.isEmpty() ? "PATH is empty" : path)
                + "): executor=slurm submits with the Slurm client commands.",
                "run the build on a Slurm login node or client (sbatch, squeue, scancel on the PATH), or set <executor>local</executor>"
                        + " (-Dexp.executor=local)");
    }
}

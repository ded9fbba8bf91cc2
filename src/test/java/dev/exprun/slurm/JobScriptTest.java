package dev.exprun.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.exprun.container.ContainerSpec;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.Mount;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job script run for real by bash, as the compute node runs it, with fake runtimes on the PATH that record
 * the argv and the environment values they see: hostile commands, environment values and labels reach the
 * container exactly, nothing in them is executed, the values are never in the script, and the script's exit is
 * the container's.
 */
class JobScriptTest {
    private static final String IMAGE = "registry.example:5000/team/train@sha256:" + "ab".repeat(32);
    private static final int RUN_EXIT = 3;
    /** The stop grace the executor derives from Slurm's KillWait; any value reaches `stop --time` as given. */
    private static final int STOP_GRACE = 7;

    @TempDir
    Path tmp;
    /** The fakes' PATH directory; their records go to out; cwd is where the script runs (files in it catch a glob). */
    private Path bin;
    private Path out;
    private Path cwd;
    private Path runDir;
    /** Anything that executes a hostile value touches this (or redirects into it). */
    private Path pwned;

    @BeforeEach
    void dirs() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        out = Files.createDirectories(tmp.resolve("out"));
        cwd = Files.createDirectories(tmp.resolve("cwd"));
        Files.writeString(cwd.resolve("globbed-a"), "");
        Files.writeString(cwd.resolve("globbed-b"), "");
        runDir = Files.createDirectories(tmp.resolve("shared runs/r1"));
        pwned = tmp.resolve("pwned");
    }

    // ---- the spec -------------------------------------------------------------------------------------------

    private List<String> hostileCommand() {
        return List.of("python3", "-c", "print('it''s \"x\"')", "it's", "\"double\"", "two  words", "$HOME", "${HOME}", "$(touch " + pwned + ")",
                "`touch " + pwned + "`", "line1\nline2", "back\\slash", "trailing\\", "a;b", "a && touch " + pwned, "*", "-leading",
                "--env", "", " ", "tab\there", "héllo wörld ✓ 日本", "'", "\"", "'\"'\"'", "!", "$((1+1))", "~", "a|b", ">" + pwned, "<",
                "#not a comment", "%s\\n", "\\", "--", "${IFS}", "\r");
    }

    private Map<String, String> hostileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SECRET_TOKEN", "s3cr3t 'single' \"double\" $HOME $(touch " + pwned + ") `touch " + pwned + "` ; * \\ -x");
        env.put("MULTI_LINE", "first line\nsecond line\n");
        env.put("EMPTY_VALUE", "");
        env.put("DASH_VALUE", "-leading-dash-value");
        env.put("GLOB_VALUE", "* ?");
        env.put("PYTHONPATH", "/exp/runtime:/opt/src-of-the-image");
        // The JVM hands environment values to the child in its own charset: non-ASCII only where that is UTF-8.
        if (Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(StandardCharsets.UTF_8)) {
            env.put("UNICODE_VALUE", "pässwörd ✓ 日本語");
        }
        return env;
    }

    private Map<String, String> hostileLabels() {
        return Map.of("exp.run-id", "r1", "exp.note", "it's \"x\" $HOME $(touch " + pwned + ") `touch " + pwned + "`\n; * \\ é");
    }

    private List<Mount> mounts() {
        return List.of(new Mount(tmp.resolve("host data/with space"), "/data", true), new Mount(runDir, "/exp/out", false));
    }

    private ContainerSpec spec(List<String> command, Map<String, String> env, GpuRequest gpus, ContainerSpec.Limits limits) {
        return new ContainerSpec("exp-r1", "sha256:" + "cd".repeat(32), command, env, hostileLabels(), mounts(), "/workspace/my project",
                "1000:1000", 64L << 20, null, gpus, null, limits);
    }

    private ContainerSpec hostileSpec() {
        return spec(hostileCommand(), hostileEnv(), GpuRequest.parse("none"), ContainerSpec.Limits.NONE);
    }

    private List<String> submission() {
        return List.of("sbatch", "--parsable", "--job-name=exp-r1", "--comment=x\nSUBMISSION_MARK touch " + pwned + "\n", "$(touch " + pwned + ")",
                runDir.resolve(JobScript.FILE).toString());
    }

    // ---- the fakes -------------------------------------------------------------------------------------------

    private static String fakeName(ContainerRuntime runtime) {
        return switch (runtime) {
            case PODMAN -> "podman";
            case DOCKER -> "docker";
            case APPTAINER -> "apptainer";
            case PYXIS -> "srun";
        };
    }

    private static String sh(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * A fake runtime in bash. It writes its argv (NUL-separated) to out/argv, the values of the variables it
     * would hand to the container (NAME=value, or NAME alone when unset) to out/env, then exits with exit.
     * With out/hold present it waits (up to 30 s) for out/release, which its {@code stop} subcommand creates;
     * TERM makes it record out/terminated and exit 143.
     */
    private void fake(String name, String mode, int exit) throws IOException {
        String o = sh(out.toString());
        String script = """
                #!/bin/bash
                out=%s
                if [ "${1-}" = stop ]; then printf '%%s\\0' "$@" > "$out/stop-argv"; : > "$out/release"; exit 0; fi
                trap ': > "$out/terminated"; exit 143' TERM
                printf '%%s\\0' "$0" > "$out/prog"
                printf '%%s\\0' "$@" > "$out/argv"
                names=()
                case %s in
                  engine) prev=; for a in "$@"; do [ "$a" = %s ] && break; [ "$prev" = --env ] && names+=("$a"); prev=$a; done ;;
                  apptainer) while IFS= read -r n; do [[ $n == APPTAINERENV_* ]] && names+=("$n"); done < <(compgen -e) ;;
                  pyxis) for a in "$@"; do [[ $a == --container-env=* ]] && IFS=, read -ra names <<< "${a#--container-env=}"; done ;;
                esac
                for n in "${names[@]}"; do
                  if [ -n "${!n+x}" ]; then printf '%%s=%%s\\0' "$n" "${!n}"; else printf '%%s\\0' "$n"; fi
                done > "$out/env"
                : > "$out/started"
                if [ -e "$out/hold" ]; then
                  for ((i = 0; i < 300; i++)); do [ -e "$out/release" ] && break; sleep 0.1; done
                fi
                exit %d
                """.formatted(o, mode, sh(IMAGE), exit);
        Path fake = bin.resolve(name);
        Files.writeString(fake, script);
        assertTrue(fake.toFile().setExecutable(true));
    }

    private void fake(ContainerRuntime runtime, int exit) throws IOException {
        fake(fakeName(runtime), switch (runtime) {
            case PODMAN, DOCKER -> "engine";
            case APPTAINER -> "apptainer";
            case PYXIS -> "pyxis";
        }, exit);
    }

    // ---- running the script ------------------------------------------------------------------------------------

    private record Ran(int exit, String script, String output, List<String> argv, Map<String, String> env) {
        /** The last length arguments: after the image (for pyxis: after its own options) the command, exactly. */
        List<String> tail(int length) {
            return argv.subList(argv.size() - length, argv.size());
        }
    }

    private String render(ContainerSpec spec, ContainerRuntime runtime, int gpus, Path dir) throws IOException {
        String text = JobScript.render(spec, IMAGE, runtime, gpus, dir, submission(), STOP_GRACE);
        Files.writeString(tmp.resolve(JobScript.FILE), text);
        return text;
    }

    private Process start(ContainerSpec spec, Map<String, String> extraEnv, String path) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", tmp.resolve(JobScript.FILE).toString()).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("job.out").toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", path);
        env.put("SLURM_JOB_ID", "7");
        spec.env().forEach((name, value) -> env.put(JobScript.carrier(name), value));
        env.putAll(extraEnv);
        return pb.start();
    }

    private String defaultPath() {
        return bin + ":/usr/bin:/bin";
    }

    private Ran run(ContainerSpec spec, ContainerRuntime runtime, int gpus, Map<String, String> extraEnv) throws Exception {
        return run(spec, runtime, gpus, runDir, extraEnv, defaultPath());
    }

    private Ran run(ContainerSpec spec, ContainerRuntime runtime, int gpus, Path dir, Map<String, String> extraEnv, String path)
            throws Exception {
        String text = render(spec, runtime, gpus, dir);
        Process p = start(spec, extraEnv, path);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the job script did not end: " + output());
        }
        return ran(p.exitValue(), text);
    }

    private Ran ran(int exit, String text) throws IOException {
        Map<String, String> env = new TreeMap<>();
        if (Files.exists(out.resolve("env"))) {
            for (String entry : nul(out.resolve("env"))) {
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? null : entry.substring(eq + 1));
            }
        }
        List<String> argv = Files.exists(out.resolve("argv")) ? nul(out.resolve("argv")) : null;
        return new Ran(exit, text, output(), argv, env);
    }

    private String output() throws IOException {
        Path f = tmp.resolve("job.out");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static List<String> nul(Path file) throws IOException {
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            return List.of();
        }
        assertTrue(s.endsWith("\0"), "NUL-terminated: " + s);
        return Arrays.asList(s.substring(0, s.length() - 1).split("\0", -1));
    }

    private void assertNothingInjected(Ran ran) throws IOException {
        assertFalse(Files.exists(pwned), "a hostile value was executed or redirected; output: " + ran.output());
        try (Stream<Path> files = Files.list(cwd)) {
            assertEquals(List.of("globbed-a", "globbed-b"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "nothing was written into the script's working directory");
        }
    }

    private void assertRanToTheEnd(Ran ran, int exit) throws IOException {
        assertEquals(exit, ran.exit(), ran.output());
        assertEquals(exit + "\n", Files.readString(runDir.resolve(JobScript.EXIT_FILE)), "the exit file holds the container's code");
        String marker = Files.readString(runDir.resolve(JobScript.MARKER));
        assertTrue(marker.startsWith("7 ") && marker.endsWith(" 0\n"), "job id, host, restart count: " + marker);
    }

    /** The environment the runtime hands on, by the container's names (apptainer's prefix taken off). */
    private static Map<String, String> containerEnv(Ran ran, ContainerRuntime runtime) {
        Map<String, String> env = new TreeMap<>();
        ran.env().forEach((k, v) -> env.put(runtime == ContainerRuntime.APPTAINER ? k.substring("APPTAINERENV_".length()) : k, v));
        return env;
    }

    private static int indexOf(List<String> list, List<String> sub) {
        return java.util.Collections.indexOfSubList(list, sub);
    }

    // ---- the tests ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ContainerRuntime.class)
    void hostileCommandAndEnvironmentArriveExactlyAndNothingIsExecuted(ContainerRuntime runtime) throws Exception {
        fake(runtime, RUN_EXIT);
        ContainerSpec spec = hostileSpec();
        Ran ran = run(spec, runtime, 0, Map.of());

        assertTrue(ran.argv() != null, "the runtime was called: " + ran.output());
        List<String> command = spec.command();
        assertEquals(command, ran.tail(command.size()), "the command after the image, element by element");
        String imageArg = runtime == ContainerRuntime.APPTAINER ? "docker://" + IMAGE
                : runtime == ContainerRuntime.PYXIS ? "--container-image=" + IMAGE : IMAGE;
        int image = ran.argv().indexOf(imageArg);
        assertTrue(image >= 0, "the image argument " + imageArg + " in " + ran.argv());
        if (runtime != ContainerRuntime.PYXIS) {
            assertEquals(ran.argv().size() - command.size() - 1, image, "the command follows the image at once");
        }
        assertEquals(new TreeMap<>(spec.env()), containerEnv(ran, runtime), "every value as it was, none more, none unset");
        assertRanToTheEnd(ran, RUN_EXIT);
        assertNothingInjected(ran);

        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            if (!e.getValue().isEmpty()) {
                assertFalse(ran.script().contains(e.getValue()), "the value of " + e.getKey() + " is in the script");
                assertFalse(ran.script().contains(ShellQuote.quote(e.getValue())), "the quoted value of " + e.getKey() + " is in the script");
                for (String line : e.getValue().split("\n")) {
                    assertFalse(line.length() > 5 && ran.script().contains(line), "a line of " + e.getKey() + "'s value is in the script");
                }
            }
        }
        for (String name : spec.env().keySet()) {
            assertTrue(ran.script().contains(JobScript.carrier(name)), "the script reads the carrier of " + name);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ContainerRuntime.class, names = {"PODMAN", "DOCKER"})
    void theEngineGetsTheWholeRunAsALocalRunWouldHaveIt(ContainerRuntime runtime) throws Exception {
        fake(runtime, RUN_EXIT);
        ContainerSpec spec = spec(List.of("python3", "train.py", "--lr", "0.1"), hostileEnv(), GpuRequest.parse("none"),
                new ContainerSpec.Limits(1_500_000_000L, 8L << 30));
        Ran ran = run(spec, runtime, 0, Map.of());
        List<String> expected = new ArrayList<>(List.of("run", "--rm", "--name", "exp-r1"));
        for (String name : new TreeMap<>(spec.env()).keySet()) {
            expected.addAll(List.of("--env", name));
        }
        new TreeMap<>(spec.labels()).forEach((k, v) -> expected.addAll(List.of("--label", k + "=" + v)));
        expected.addAll(List.of("--volume", tmp.resolve("host data/with space") + ":/data:ro", "--volume", runDir + ":/exp/out:rw",
                "--workdir", "/workspace/my project", "--user", "1000:1000", "--shm-size", (64L << 20) + "b", "--cpus", "1.5",
                "--memory", (8L << 30) + "b", "--memory-swap", (8L << 30) + "b", IMAGE, "python3", "train.py", "--lr", "0.1"));
        assertEquals(expected, ran.argv());
        assertTrue(ran.script().contains("--env SECRET_TOKEN"), "the names are in the script");
        assertEquals(RUN_EXIT, ran.exit());
        assertNothingInjected(ran);
    }

    @Test
    void apptainerGetsBindsWorkdirAndTheDockerImageByDigest() throws Exception {
        fake(ContainerRuntime.APPTAINER, RUN_EXIT);
        ContainerSpec spec = spec(List.of("python3", "train.py"), Map.of("SECRET_TOKEN", "v"), GpuRequest.parse("none"),
                ContainerSpec.Limits.NONE);
        Ran ran = run(spec, ContainerRuntime.APPTAINER, 0, Map.of("SLURM_JOB_GPUS", "0,3"));
        assertEquals(List.of("exec", "--cleanenv", "--no-home", "--bind", tmp.resolve("host data/with space") + ":/data:ro", "--bind",
                runDir + ":/exp/out:rw", "--pwd", "/workspace/my project", "docker://" + IMAGE, "python3", "train.py"), ran.argv(),
                "no --nv without GPUs");
        assertEquals(Map.of("APPTAINERENV_SECRET_TOKEN", "v"), ran.env());
        assertTrue(ran.script().contains("p=APPTAINERENV_") && ran.script().contains("${p}SECRET_TOKEN="), ran.script());
    }

    @Test
    void pyxisGetsItsOptionsAndTheNamesOfTheEnvironment() throws Exception {
        fake(ContainerRuntime.PYXIS, RUN_EXIT);
        ContainerSpec spec = spec(List.of("python3", "train.py"), Map.of("SECRET_TOKEN", "v", "A_FIRST", "w"), GpuRequest.parse("none"),
                ContainerSpec.Limits.NONE);
        Ran ran = run(spec, ContainerRuntime.PYXIS, 2, Map.of());
        assertEquals(List.of("--ntasks=1", "--container-image=" + IMAGE,
                "--container-mounts=" + tmp.resolve("host data/with space") + ":/data:ro," + runDir + ":/exp/out",
                "--container-workdir=/workspace/my project", "--no-container-mount-home", "--container-env=A_FIRST,SECRET_TOKEN",
                "python3", "train.py"), ran.argv());
        assertEquals(Map.of("A_FIRST", "w", "SECRET_TOKEN", "v"), ran.env());
        assertTrue(ran.script().contains("--container-env=A_FIRST,SECRET_TOKEN"));
        assertRanToTheEnd(ran, RUN_EXIT);
    }

    @Test
    void singularityIsTheFallbackWhenApptainerIsMissing() throws Exception {
        fake("singularity", "apptainer", 0);
        ContainerSpec spec = spec(hostileCommand(), Map.of(), GpuRequest.parse("none"), ContainerSpec.Limits.NONE);
        Ran ran = run(spec, ContainerRuntime.APPTAINER, 0, runDir, Map.of(), bin + ":" + tools());
        assertEquals(List.of(bin.resolve("singularity").toString()), nul(out.resolve("prog")));
        assertEquals(spec.command(), ran.tail(spec.command().size()));
        assertRanToTheEnd(ran, 0);
        assertNothingInjected(ran);
    }

    @ParameterizedTest
    @EnumSource(ContainerRuntime.class)
    void theExitCodeIsTheContainersWhateverItIs(ContainerRuntime runtime) throws Exception {
        for (int code : new int[] {0, 1, 42, 137, 255}) {
            fake(runtime, code);
            Ran ran = run(spec(List.of("true"), Map.of(), GpuRequest.parse("none"), ContainerSpec.Limits.NONE), runtime, 0, Map.of());
            assertRanToTheEnd(ran, code);
        }
    }

    @Test
    void podmanGetsTheAllocatedGpusAsCdiDevices() throws Exception {
        fake(ContainerRuntime.PODMAN, 0);
        Ran ran = run(spec(List.of("nvidia-smi"), Map.of(), GpuRequest.parse("2"), ContainerSpec.Limits.NONE), ContainerRuntime.PODMAN, 2,
                Map.of("SLURM_JOB_GPUS", "0,3"));
        List<String> argv = ran.argv();
        assertEquals(List.of("--device", "nvidia.com/gpu=0", "--device", "nvidia.com/gpu=3", IMAGE, "nvidia-smi"),
                argv.subList(argv.size() - 6, argv.size()));
        assertEquals(0, ran.exit());
    }

    @Test
    void envNamesLikeTheScriptsOwnVariablesChangeNothingButTheContainersEnvironment() throws Exception {
        fake(ContainerRuntime.PODMAN, 0);
        Map<String, String> env = Map.of("runtime", "/bin/false", "name", "someone-elses", "gpu_args", "--privileged",
                "child", "1", "run_dir", "/nowhere");
        Ran ran = run(spec(List.of("nvidia-smi"), env, GpuRequest.parse("1"), ContainerSpec.Limits.NONE), ContainerRuntime.PODMAN, 1,
                Map.of("SLURM_JOB_GPUS", "2"));
        assertEquals(0, ran.exit(), ran.output());
        List<String> argv = ran.argv();
        assertEquals(List.of("--device", "nvidia.com/gpu=2", IMAGE, "nvidia-smi"), argv.subList(argv.size() - 4, argv.size()));
        assertEquals("exp-r1", argv.get(argv.indexOf("--name") + 1));
        assertFalse(argv.contains("--privileged"), argv.toString());
        assertEquals(env, ran.env(), "the values still reach the container under their names");
    }

    @Test
    void dockerGetsTheAllocatedGpusAsOneQuotedDeviceList() throws Exception {
        fake(ContainerRuntime.DOCKER, 0);
        Ran ran = run(spec(List.of("nvidia-smi"), Map.of(), GpuRequest.parse("2"), ContainerSpec.Limits.NONE), ContainerRuntime.DOCKER, 2,
                Map.of("SLURM_JOB_GPUS", "0,3"));
        List<String> argv = ran.argv();
        assertEquals(List.of("--gpus", "\"device=0,3\"", IMAGE, "nvidia-smi"), argv.subList(argv.size() - 4, argv.size()));
        assertEquals(1, argv.stream().filter(a -> a.equals("--gpus")).count());
    }

    @Test
    void apptainerGetsNvWithGpus() throws Exception {
        fake(ContainerRuntime.APPTAINER, 0);
        Ran ran = run(spec(List.of("nvidia-smi"), Map.of(), GpuRequest.parse("2"), ContainerSpec.Limits.NONE), ContainerRuntime.APPTAINER,
                2, Map.of("SLURM_JOB_GPUS", "0,3"));
        List<String> argv = ran.argv();
        assertEquals(List.of("--nv", "docker://" + IMAGE, "nvidia-smi"), argv.subList(argv.size() - 3, argv.size()));
    }

    @ParameterizedTest
    @EnumSource(value = ContainerRuntime.class, names = {"PODMAN", "DOCKER"})
    void noGpusAskedMeansNoGpuArgumentsWhateverSlurmSays(ContainerRuntime runtime) throws Exception {
        fake(runtime, 0);
        Ran ran = run(spec(List.of("true"), Map.of(), GpuRequest.parse("none"), ContainerSpec.Limits.NONE), runtime, 0,
                Map.of("SLURM_JOB_GPUS", "0,3"));
        assertEquals(List.of(IMAGE, "true"), ran.argv().subList(ran.argv().size() - 2, ran.argv().size()));
        assertFalse(ran.argv().contains("--device") || ran.argv().contains("--gpus"), ran.argv().toString());
    }

    @ParameterizedTest
    @EnumSource(value = ContainerRuntime.class, names = {"PODMAN", "DOCKER"})
    void gpusWithoutSlurmJobGpusStillStartTheContainer(ContainerRuntime runtime) throws Exception {
        fake(runtime, 0);
        Ran ran = run(spec(List.of("true"), Map.of(), GpuRequest.parse("1"), ContainerSpec.Limits.NONE), runtime, 1, Map.of());
        assertEquals(0, ran.exit(), ran.output());
        assertEquals(List.of(IMAGE, "true"), ran.argv().subList(ran.argv().size() - 2, ran.argv().size()));
        assertEquals(-1, indexOf(ran.argv(), List.of("--device")));
    }

    @ParameterizedTest
    @EnumSource(ContainerRuntime.class)
    void aRunDirectoryTheNodeCannotWriteExits97WithoutStartingTheContainer(ContainerRuntime runtime) throws Exception {
        fake(runtime, 0);
        Path unseen = tmp.resolve("not mounted here/r1");
        Ran ran = run(hostileSpec(), runtime, 0, unseen, Map.of(), defaultPath());
        assertEquals(JobScript.NO_SHARED_DIR, ran.exit(), ran.output());
        assertEquals(97, JobScript.NO_SHARED_DIR);
        assertTrue(ran.argv() == null, "the runtime was not called");
        assertTrue(ran.output().contains("cannot write the run directory " + unseen), ran.output());
        assertFalse(Files.exists(unseen.getParent()));
        assertNothingInjected(ran);
    }

    /** hostname, rm and sleep only: a PATH with no container runtime at all, whatever the machine has in /usr/bin. */
    private String tools() throws IOException {
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("hostname", "rm", "sleep")) {
            Path wrapper = tools.resolve(tool);
            for (String dir : List.of("/usr/bin", "/bin")) {
                if (!Files.exists(wrapper) && Files.isExecutable(Path.of(dir, tool))) {
                    Files.writeString(wrapper, "#!/bin/sh\nexec " + dir + "/" + tool + " \"$@\"\n");
                    assertTrue(wrapper.toFile().setExecutable(true));
                }
            }
        }
        return tools.toString();
    }

    @ParameterizedTest
    @EnumSource(ContainerRuntime.class)
    void aRuntimeMissingOnTheNodeExits98(ContainerRuntime runtime) throws Exception {
        Files.writeString(runDir.resolve(JobScript.EXIT_FILE), "0\n"); // from an earlier attempt of a requeued job
        Ran ran = run(hostileSpec(), runtime, 0, runDir, Map.of(), bin + ":" + tools());
        assertEquals(JobScript.NO_RUNTIME, ran.exit(), ran.output());
        assertEquals(98, JobScript.NO_RUNTIME);
        String missing = runtime == ContainerRuntime.PYXIS ? "srun" : runtime.text();
        assertTrue(ran.output().contains(missing + " is not on the PATH"), ran.output());
        assertTrue(Files.exists(runDir.resolve(JobScript.MARKER)), "the marker comes first");
        assertFalse(Files.exists(runDir.resolve(JobScript.EXIT_FILE)), "an earlier attempt's exit file is gone, none written");
        assertNothingInjected(ran);
    }

    private Ran terminated(ContainerRuntime runtime) throws Exception {
        fake(runtime, RUN_EXIT);
        Files.writeString(out.resolve("hold"), "");
        ContainerSpec spec = hostileSpec();
        String text = render(spec, runtime, 0, runDir);
        Process p = start(spec, Map.of(), defaultPath());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.exists(out.resolve("started"))) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    fail("the fake runtime did not start: " + output());
                }
                Thread.sleep(10);
            }
            p.destroy(); // SIGTERM to the job's shell, as scancel and the time limit send it
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the job script ended after SIGTERM: " + output());
        } finally {
            p.destroyForcibly();
            Files.writeString(out.resolve("release"), "");
        }
        return ran(p.exitValue(), text);
    }

    @ParameterizedTest
    @EnumSource(value = ContainerRuntime.class, names = {"PODMAN", "DOCKER"})
    void sigtermStopsTheContainerByNameAndExitsWithItsCode(ContainerRuntime runtime) throws Exception {
        Ran ran = terminated(runtime);
        assertEquals(List.of("stop", "--time", String.valueOf(STOP_GRACE), "exp-r1"), nul(out.resolve("stop-argv")));
        assertFalse(Files.exists(out.resolve("terminated")), "the container is stopped by the engine, not the client signalled");
        assertRanToTheEnd(ran, RUN_EXIT);
        assertNothingInjected(ran);
    }

    @ParameterizedTest
    @EnumSource(value = ContainerRuntime.class, names = {"APPTAINER", "PYXIS"})
    void sigtermIsPassedToTheRuntimeAndTheJobExitsWithItsCode(ContainerRuntime runtime) throws Exception {
        Ran ran = terminated(runtime);
        assertTrue(Files.exists(out.resolve("terminated")), "the runtime got SIGTERM: " + ran.output());
        assertFalse(Files.exists(out.resolve("stop-argv")));
        assertRanToTheEnd(ran, 143);
    }

    @Test
    void theSubmissionShownInTheScriptStaysAComment() throws Exception {
        fake(ContainerRuntime.PODMAN, 0);
        Ran ran = run(hostileSpec(), ContainerRuntime.PODMAN, 0, Map.of());
        for (String line : ran.script().split("\n")) {
            if (line.contains("SUBMISSION_MARK")) {
                assertTrue(line.startsWith("#"), "the submission is shown in comments only: " + line);
            }
        }
        assertTrue(ran.script().contains("SUBMISSION_MARK"));
        assertNothingInjected(ran);
        assertEquals(0, ran.exit());
    }

    @Test
    void theScriptHoldsNoEnvironmentValueEvenWhenTheNamesAreManyAndTheValuesShort() {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            env.put("VAR_" + i, "value-" + i + "-of-a-secret");
        }
        for (ContainerRuntime runtime : ContainerRuntime.values()) {
            String text = JobScript.render(spec(List.of("true"), env, GpuRequest.parse("none"), ContainerSpec.Limits.NONE), IMAGE, runtime,
                    0, runDir, submission(), STOP_GRACE);
            for (Map.Entry<String, String> e : env.entrySet()) {
                assertFalse(text.contains(e.getValue()), runtime + ": " + e.getKey());
                assertTrue(text.contains(JobScript.carrier(e.getKey())), runtime + ": " + e.getKey());
            }
        }
    }
}

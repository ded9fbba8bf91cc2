package dev.exprun.maven;

/** Every user property the plugin reads, in one place (the README's configuration reference lists them). */
final class ExpProperties {
    static final String SKIP = "exp.skip";
    static final String IMAGE = "exp.image";
    static final String REQUIRE_PINNED_IMAGE = "exp.requirePinnedImage";
    static final String PULL = "exp.pull";
    static final String DOCKER_HOST = "exp.dockerHost";
    static final String DIRTY = "exp.dirty";
    static final String WORKSPACE_MOUNT = "exp.workspaceMount";
    static final String USER = "exp.user";
    static final String SHM_SIZE = "exp.shmSize";
    static final String NETWORK = "exp.network";
    static final String TIMEOUT = "exp.timeout";
    static final String COMMAND = "exp.command";
    static final String GPUS = "exp.gpus";
    static final String GPU_REQUEST = "exp.gpuRequest";
    static final String GPU_WAIT = "exp.gpuWait";
    static final String GPUS_PER_TRIAL = "exp.gpusPerTrial";
    static final String EXECUTOR = "exp.executor";
    static final String PARTITION = "exp.partition";
    static final String ACCOUNT = "exp.account";
    static final String QOS = "exp.qos";
    static final String CPUS_PER_TASK = "exp.cpusPerTask";
    static final String MEM = "exp.mem";
    static final String CONTAINER_RUNTIME = "exp.containerRuntime";
    static final String SHARED_DIR = "exp.sharedDir";
    static final String POLL_INTERVAL = "exp.pollInterval";
    static final String REQUEUE = "exp.requeue";
    static final String GPU_DEVICES = "exp.gpuDevices";
    static final String PARALLEL = "exp.parallel";
    static final String CPUS_PER_TRIAL = "exp.cpusPerTrial";
    static final String MEMORY_PER_TRIAL = "exp.memoryPerTrial";
    static final String SWEEP = "exp.sweep";
    static final String TRIALS = "exp.trials";
    static final String SAMPLES = "exp.samples";
    static final String SWEEP_SEED = "exp.sweepSeed";
    static final String FAILURE_POLICY = "exp.failurePolicy";
    static final String RETRIES = "exp.retries";
    static final String OBJECTIVE = "exp.objective";
    static final String RESUME = "exp.resume";
    static final String GATES = "exp.gates";
    static final String BASELINE = "exp.baseline";
    static final String MAX_REGRESSION = "exp.maxRegression";
    static final String HIGHER_IS_BETTER = "exp.higherIsBetter";
    static final String LOWER_IS_BETTER = "exp.lowerIsBetter";
    static final String TAG_NAME = "exp.tagName";
    static final String TAG_PATTERN = "exp.tagPattern";
    static final String SIGN = "exp.sign";
    static final String PUSH = "exp.push";
    static final String REMOTE = "exp.remote";
    static final String GIT_SERVER_ID = "exp.gitServerId";
    static final String RECORD_IN_GIT = "exp.recordInGit";
    static final String ALL = "exp.all";
    static final String SINCE = "exp.since";
    static final String TAGS_ONLY = "exp.tagsOnly";
    static final String WHERE = "exp.where";
    static final String SORT = "exp.sort";
    static final String METRICS = "exp.metrics";
    static final String FORMAT = "exp.format";
    static final String FILE = "exp.file";
    static final String A = "exp.a";
    static final String B = "exp.b";
    static final String REF = "exp.ref";
    static final String TOLERANCE = "exp.tolerance";
    static final String MAX_RUNS = "exp.maxRuns";
    static final String REPORT_DIRECTORY = "exp.reportDirectory";
    static final String BRANCHES = "exp.branches";
    static final String ATTACH_REPORT = "exp.attachReport";
    static final String BRANCH_PATTERN = "exp.branchPattern";
    static final String MAIN_BRANCH = "exp.mainBranch";
    static final String BRANCH = "exp.branch";
    static final String MERGED = "exp.merged";
    static final String DRY_RUN = "exp.dryRun";
    static final String ARCHIVE_PREFIX = "exp.archivePrefix";
    static final String CACHE = "exp.cache";
    static final String CACHEABLE = "exp.cacheable";
    static final String CACHE_INPUTS = "exp.cacheInputs";
    static final String CACHE_SALT = "exp.cacheSalt";
    static final String FORCE = "exp.force";
    static final String SHELL_COMMAND = "exp.shellCommand";
    /** Prefix of -Dexp.param.NAME=VALUE, which overrides {@code <params>}. */
    static final String PARAM_PREFIX = "exp.param.";

    private ExpProperties() {
    }
}

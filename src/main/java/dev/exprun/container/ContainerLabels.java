package dev.exprun.container;

/** Labels on every run container: who made it, so leftovers can be found and swept safely. */
public final class ContainerLabels {
    public static final String RUN_ID = "dev.exprun.run-id";
    public static final String PROJECT = "dev.exprun.project";
    public static final String GIT_COMMIT = "dev.exprun.git-commit";
    public static final String BUILD_HOST = "dev.exprun.build-host";
    public static final String BUILD_PID = "dev.exprun.build-pid";
    public static final String BUILD_STARTED = "dev.exprun.build-started";
    /** The run directory on the build's host: where a later run finishes the record of a killed build. */
    public static final String RUN_DIR = "dev.exprun.run-dir";
    /** On the container of an interactive session, not a run: its goal ({@code exp:shell}, {@code exp:notebook}). */
    public static final String SESSION = "dev.exprun.session";

    private ContainerLabels() {
    }
}

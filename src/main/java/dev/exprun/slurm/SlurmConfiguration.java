package dev.exprun.slurm;

import java.util.List;

/**
 * The Slurm executor's configuration as the user wrote it (strings); {@link SlurmSettings} checks it.
 * Every field may be null: unset.
 */
public record SlurmConfiguration(
        String partition,
        String account,
        String qos,
        String cpusPerTask,
        String mem,
        List<String> sbatchArgs,
        String containerRuntime,
        String sharedDir,
        String pollInterval,
        String requeue) {

    public static final SlurmConfiguration NONE = new SlurmConfiguration(null, null, null, null, null, List.of(), null, null, null, null);
}

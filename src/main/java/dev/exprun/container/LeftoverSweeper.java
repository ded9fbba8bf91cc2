package dev.exprun.container;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.exprun.core.ExpLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes containers of this project left behind by builds that were killed (SIGKILL skips our
 * shutdown hook). Containers of live builds, and of other hosts sharing the engine, are never touched.
 */
public final class LeftoverSweeper {
    private final EngineConnection engine;
    private final ExpLog log;

    public LeftoverSweeper(EngineConnection engine, ExpLog log) {
        this.engine = engine;
        this.log = log;
    }

    /** A removed leftover: its run, the run directory its labels name (null for older containers), its dead build. */
    public record Leftover(String runId, String runDir, BuildIdentity build) {
    }

    /** The leftovers removed, so that the caller can finish their records. */
    public List<Leftover> sweep(String projectCoordinates) {
        String thisHost = BuildIdentity.hostName();
        List<Container> containers = engine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.PROJECT, projectCoordinates)).exec();
        List<Leftover> removed = new ArrayList<>();
        for (Container container : containers) {
            Map<String, String> labels = container.getLabels();
            BuildIdentity owner = owner(labels);
            if (owner == null || owner.isAlive(thisHost)) {
                continue;
            }
            log.warn("Removing leftover container " + name(container) + " of run " + labels.get(ContainerLabels.RUN_ID)
                    + " (its build, pid " + owner.pid() + ", is gone)");
            try {
                engine.client().removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed.add(new Leftover(labels.get(ContainerLabels.RUN_ID), labels.get(ContainerLabels.RUN_DIR), owner));
            } catch (NotFoundException e) {
                // Removed meanwhile by someone else: the goal is reached.
            }
        }
        return removed;
    }

    private static BuildIdentity owner(Map<String, String> labels) {
        if (labels == null || labels.get(ContainerLabels.BUILD_HOST) == null) {
            return null;
        }
        try {
            return new BuildIdentity(labels.get(ContainerLabels.BUILD_HOST),
                    Long.parseLong(labels.get(ContainerLabels.BUILD_PID)),
                    Long.parseLong(labels.getOrDefault(ContainerLabels.BUILD_STARTED, "0")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String name(Container container) {
        String[] names = container.getNames();
        return names != null && names.length > 0 ? names[0].replaceFirst("^/", "") : container.getId();
    }
}

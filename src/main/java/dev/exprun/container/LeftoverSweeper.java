package dev.exprun.container;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.exprun.core.ExpLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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

    /** A leftover: its run, the run directory its labels name (null for older containers), its dead build. */
    public record Leftover(String runId, String runDir, BuildIdentity build) {
    }

    /**
     * beforeRemoval sees each leftover before its container goes: once the container is gone no later
     * sweep can find the run again, so its record must be finished first. A failure of either step
     * for one container is a warning, and the others are still swept.
     */
    public List<Leftover> sweep(String projectCoordinates, Consumer<Leftover> beforeRemoval) {
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
            Leftover leftover = new Leftover(labels.get(ContainerLabels.RUN_ID), labels.get(ContainerLabels.RUN_DIR), owner);
            String session = labels.get(ContainerLabels.SESSION);
            log.warn("Removing leftover container " + name(container) + " of " + (session == null ? "run " : session + " session ") + leftover.runId()
                    + " (its build, pid " + owner.pid() + ", is gone)");
            try {
                beforeRemoval.accept(leftover);
            } catch (RuntimeException e) {
                log.warn("Could not finish the record of run " + leftover.runId() + ": " + EngineConnection.rootMessage(e));
            }
            try {
                engine.client().removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed.add(leftover);
            } catch (NotFoundException e) {
                removed.add(leftover); // removed meanwhile by someone else: the goal is reached
            } catch (RuntimeException e) {
                log.warn("Could not remove the leftover container " + name(container) + " (" + EngineConnection.rootMessage(e)
                        + "); the next run tries again");
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

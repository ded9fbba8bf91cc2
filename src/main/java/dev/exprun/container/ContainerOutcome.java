package dev.exprun.container;

import java.util.List;

/** How a run's container ended. exitCode is null when it never started or its status is unknown. */
public record ContainerOutcome(String containerId, Integer exitCode, boolean timedOut, boolean interrupted,
                               List<String> lastLines) {
}

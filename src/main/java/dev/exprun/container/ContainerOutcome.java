package dev.exprun.container;

import java.time.Instant;
import java.util.List;

/**
 * How a run's container ended. exitCode is null when it never started or its status is unknown.
 * lastLines: the log's last lines; lastErrorLines: stderr's own last lines, kept apart because stdout
 * and stderr are two pipes, and an engine may deliver a traceback before the last progress lines.
 * oomKilled: the kernel's OOM killer ended it (an infrastructure fault a sweep may retry). startedAt: when the engine
 * had started it; endedAt: when it was seen to end (null when it never started).
 */
public record ContainerOutcome(String containerId, Integer exitCode, boolean timedOut, boolean interrupted, boolean oomKilled,
                               List<String> lastLines, List<String> lastErrorLines, Instant startedAt, Instant endedAt) {
}

package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.TestEngine;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leftovers of killed builds go; containers of live builds and of other hosts stay. */
class LeftoverSweeperEngineTest {
    private final String project = "test.sweep:p-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cleanUp() {
        for (String id : TestEngine.containersLabelled(ContainerLabels.PROJECT + "=" + project)) {
            TestEngine.docker("rm", "-f", id);
        }
    }

    private String create(String runId, String host, long pid, long started) {
        return TestEngine.docker("create", "--label", ContainerLabels.PROJECT + "=" + project,
                "--label", ContainerLabels.RUN_ID + "=" + runId, "--label", ContainerLabels.BUILD_HOST + "=" + host,
                "--label", ContainerLabels.BUILD_PID + "=" + pid, "--label", ContainerLabels.BUILD_STARTED + "=" + started,
                TestEngine.TINY, "sleep", "60");
    }

    @Test
    void removesOnlyContainersWhoseBuildIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        long deadStarted = gone.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(1L);
        gone.waitFor();
        BuildIdentity me = BuildIdentity.current();
        String dead = create("dead", me.host(), gone.pid(), deadStarted);
        String reusedPid = create("reused", me.host(), me.pid(), me.startedMillis() - 3_600_000);
        String live = create("live", me.host(), me.pid(), me.startedMillis());
        String otherHost = create("other", "another-host", 1, 1);
        TestEngine.docker("start", live);

        try (EngineConnection engine = TestEngine.open()) {
            CapturingLog log = new CapturingLog();
            List<LeftoverSweeper.Leftover> removed = new LeftoverSweeper(engine, log).sweep(project, leftover -> { });
            assertEquals(List.of("dead", "reused"), removed.stream().map(LeftoverSweeper.Leftover::runId).sorted().toList());
            assertEquals(gone.pid(), removed.stream().filter(l -> l.runId().equals("dead")).findFirst().orElseThrow().build().pid());
            assertTrue(log.contains("Removing leftover container"), log.lines().toString());
        }
        List<String> left = TestEngine.containersLabelled(ContainerLabels.PROJECT + "=" + project);
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.stream().anyMatch(live::startsWith));
        assertTrue(left.stream().anyMatch(otherHost::startsWith));
        assertTrue(left.stream().noneMatch(dead::startsWith));
        assertTrue(left.stream().noneMatch(reusedPid::startsWith));
    }
}

package dev.exprun.workbench;

import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.TestEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the session engine tests share: a project of their own (so its containers can be found by label), its log, no leftovers. */
abstract class SessionEngineTestSupport {
    @TempDir
    Path tmp;
    final String project;
    final CapturingLog log = new CapturingLog();

    SessionEngineTestSupport(String kind) {
        this.project = kind + Long.toHexString(System.nanoTime());
    }

    String label() {
        return TestEngine.projectLabel(project);
    }

    @AfterEach
    void removeLeftovers() {
        TestEngine.removeLabelled(label());
    }
}

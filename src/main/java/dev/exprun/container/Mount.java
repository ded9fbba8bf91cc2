package dev.exprun.container;

import java.nio.file.Path;

public record Mount(Path hostPath, String containerPath, boolean readOnly) {
}

package dev.exprun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build's uid:gid, so files the container writes into the mounted output dir belong to the
 * user and not to root (mlflow #2883). Read from /proc, which needs no native code.
 */
final class HostUser {
    private HostUser() {
    }

    /** "uid:gid", or null where the host has no such notion (Windows, macOS without /proc). */
    static String uidGid() {
        try {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) {
                return null;
            }
            String uid = null;
            String gid = null;
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    uid = line.split("\\s+")[2];
                } else if (line.startsWith("Gid:")) {
                    gid = line.split("\\s+")[2];
                }
            }
            return uid == null || gid == null ? null : uid + ":" + gid;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

package dev.exprun.run;

import dev.exprun.container.GpuRequest;
import dev.exprun.record.RunRecord.GpusSeen;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-container GPU verification: a tiny sh script put in front of the training command when
 * GPUs are requested. It prints what it sees and exits before training when the GPUs are not there.
 */
public final class GpuCheck {
    static final String SCRIPT = "gpu-check.sh";
    private static final String MARKER = "exprun-gpu-check: ";

    private GpuCheck() {
    }

    /** The command, preceded by the in-container GPU check. */
    public static List<String> wrap(List<String> command, GpuRequest gpus) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", RunDirectory.CONTAINER_LIB + "/" + SCRIPT, gpus.expected(), "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** What the check reported, read from the start of the raw log; null when it did not run. */
    static Result read(Path rawLog) throws IOException {
        if (!Files.isRegularFile(rawLog)) {
            return null;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(rawLog)) {
            head = in.readNBytes(64 * 1024);
        }
        return parseOutput(new String(head, StandardCharsets.UTF_8));
    }

    /** What the check reported in a container's output; null when it did not run. */
    public static Result parseOutput(String output) {
        GpusSeen seen = null;
        boolean failed = false;
        for (String line : output.split("\n")) {
            if (!line.startsWith(MARKER)) {
                continue;
            }
            String rest = line.substring(MARKER.length());
            if (rest.startsWith("FAILED")) {
                failed = true;
            } else if (seen == null && rest.startsWith("visible=")) {
                seen = parse(rest);
            }
        }
        return seen == null ? null : new Result(seen, failed);
    }

    private static GpusSeen parse(String fields) {
        int count;
        try {
            count = Integer.parseInt(value(fields, "visible=", " devices="));
        } catch (NumberFormatException e) {
            count = 0; // a mangled report counts as seeing nothing
        }
        String devices = value(fields, "devices=", " names=");
        String names = value(fields, "names=", null);
        return new GpusSeen(count, split(devices, ","), split(names, ";"));
    }

    private static String value(String fields, String key, String until) {
        int start = fields.indexOf(key) + key.length();
        int end = until == null ? fields.length() : fields.indexOf(until, start);
        return fields.substring(start, end < 0 ? fields.length() : end).trim();
    }

    private static List<String> split(String value, String separator) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(separator)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public record Result(GpusSeen seen, boolean failed) {
        /** "2 (nvidia0,nvidia1: NVIDIA H100; NVIDIA H100)", or "0". */
        public String describe() {
            if (seen.devices().isEmpty()) {
                return String.valueOf(seen.count());
            }
            return seen.count() + " (" + String.join(",", seen.devices())
                    + (seen.names().isEmpty() ? "" : ": " + String.join("; ", seen.names())) + ")";
        }
    }
}

package dev.exprun.run;

import dev.exprun.container.GpuRequest;
import dev.exprun.record.RunRecord.GpuInfo;
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
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", RunDirectory.CONTAINER_LIB + "/" + SCRIPT, gpus.expected()));
        if (!gpus.uuids().isEmpty()) {
            wrapped.add(String.join(",", gpus.uuids()));
        }
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * The error when GPUs were requested and the check did not see them (check: its report, null when there was none);
     * what: what was therefore not started ("Training", "The shell").
     */
    public static dev.exprun.core.ExpError notSeen(GpuRequest gpus, Result check, String what) {
        String seen = check == null ? "no report from the check" : check.seen().count() + " visible";
        return new dev.exprun.core.ExpError("GPUs were requested (gpus=" + gpus.text() + ") but the container does not see them ("
                + seen + "): the engine accepted the request and ignored it. " + what + " was not started.",
                "use an engine with GPU support: Docker with the NVIDIA Container Toolkit "
                + "(nvidia-ctk runtime configure --runtime=docker), or Podman with CDI (nvidia-ctk cdi generate) and a Podman "
                + "whose Docker API honours device requests; or set <gpus>none</gpus> (-Dexp.gpus=none) to train on the CPU");
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
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith(MARKER)) {
                continue;
            }
            String rest = line.substring(MARKER.length());
            if (rest.startsWith("FAILED")) {
                failed = true;
            } else if (seen == null && rest.startsWith("visible=")) {
                seen = parse(rest);
            } else if (rest.startsWith("gpu ")) {
                gpus.add(gpu(rest.substring(4)));
            }
        }
        return seen == null ? null : new Result(new GpusSeen(seen.count(), seen.devices(), seen.names(), List.copyOf(gpus)), failed);
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

    /** "index=0 uuid=GPU-.. memory_mib=143771 driver=580.95.05 cuda=13.0 name=NVIDIA H200": the name last, it has spaces. */
    private static GpuInfo gpu(String fields) {
        return new GpuInfo(integer(value(fields, "index=", " uuid=")), blankToNull(value(fields, "uuid=", " memory_mib=")),
                blankToNull(value(fields, "name=", null)), longValue(value(fields, "memory_mib=", " driver=")),
                blankToNull(value(fields, "driver=", " cuda=")), blankToNull(value(fields, "cuda=", " name=")));
    }

    private static Integer integer(String text) {
        Long value = longValue(text);
        return value == null ? null : value.intValue();
    }

    private static Long longValue(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null; // "[N/A]" and the like
        }
    }

    private static String blankToNull(String text) {
        return text.isBlank() ? null : text.trim();
    }

    private static String value(String fields, String key, String until) {
        int at = fields.indexOf(key);
        if (at < 0) {
            return "";
        }
        int start = at + key.length();
        int end = until == null ? fields.length() : fields.indexOf(until, start);
        return fields.substring(start, end < 0 ? fields.length() : end).trim();
    }

    private static List<String> split(String value, String separator) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(separator)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public record Result(GpusSeen seen, boolean failed) {
        /** "2 (nvidia0,nvidia1: NVIDIA H100; NVIDIA H100)", or "0". */
        public String describe() {
            if (!seen.gpus().isEmpty()) {
                return seen.count() + " (" + String.join("; ", seen.gpus().stream().map(GpuInfo::describe).toList()) + ")";
            }
            if (seen.devices().isEmpty()) {
                return String.valueOf(seen.count());
            }
            return seen.count() + " (" + String.join(",", seen.devices())
                    + (seen.names().isEmpty() ? "" : ": " + String.join("; ", seen.names())) + ")";
        }
    }
}

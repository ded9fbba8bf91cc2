package dev.exprun.container;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.exprun.core.ExpError;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code gpus} setting: none, all, a count, or device ids. Sent as a Docker DeviceRequest
 * ({@code --gpus all} = count -1 with capability gpu); count and ids never together, which engines reject.
 */
public record GpuRequest(String text, Integer count, List<String> deviceIds) {
    private static final Pattern IDS = Pattern.compile("[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*");

    public static GpuRequest parse(String value) {
        // Only the keywords ignore case: device ids such as GPU-<uuid> must reach the engine as written.
        String v = value == null ? "none" : value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("none") || v.equals("0")) {
            return new GpuRequest("none", null, null);
        }
        if (v.equalsIgnoreCase("all")) {
            return new GpuRequest("all", -1, null);
        }
        if (v.matches("[1-9][0-9]{0,2}") && !v.contains(",")) {
            return new GpuRequest(v, Integer.parseInt(v), null);
        }
        if (v.toLowerCase().startsWith("device=")) {
            v = v.substring(7);
        }
        if (IDS.matcher(v).matches()) {
            return new GpuRequest(v, null, Arrays.asList(v.split(",")));
        }
        throw new ExpError("The gpus setting '" + value + "' is not understood.",
                "set <gpus> (-Dexp.gpus) to none, all, a count such as 2, or device ids such as 0,1");
    }

    public boolean requested() {
        return count != null || deviceIds != null;
    }

    public Optional<DeviceRequest> deviceRequest() {
        if (!requested()) {
            return Optional.empty();
        }
        DeviceRequest request = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        return Optional.of(deviceIds != null ? request.withDeviceIds(deviceIds) : request.withCount(count));
    }

    /** What the in-container check must see: "all" (at least one) or a minimum count. */
    public String expected() {
        if (deviceIds != null) {
            return String.valueOf(deviceIds.size());
        }
        return count != null && count > 0 ? String.valueOf(count) : "all";
    }
}

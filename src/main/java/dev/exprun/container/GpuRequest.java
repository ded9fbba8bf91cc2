package dev.exprun.container;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.exprun.core.ExpError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code gpus} setting: none, all, a count, or device ids. Device ids are checked here, so that
 * a typo ({@code al}) is refused instead of reaching the engine as a device name.
 */
public record GpuRequest(String text, Integer count, List<String> deviceIds) {
    /** An index (0), a MIG device by index (0:1), a GPU UUID (GPU-...), a MIG UUID (MIG-...). */
    private static final Pattern DEVICE = Pattern.compile("[0-9]{1,3}(:[0-9]{1,3})?|GPU-[0-9a-fA-F-]{8,}|MIG-[0-9A-Za-z/-]{8,}");
    /** A fully qualified CDI device name, vendor.com/class=name, e.g. nvidia.com/gpu=0. */
    private static final Pattern CDI_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*\\.[a-z]+/[a-z0-9][a-z0-9_.-]*=[A-Za-z0-9][A-Za-z0-9_.:-]*");
    static final String CDI_NVIDIA = "nvidia.com/gpu=";

    public static GpuRequest parse(String value) {
        // Only the keywords ignore case: device ids such as GPU-<uuid> must reach the engine as written.
        String v = value == null ? "none" : value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("none") || v.equals("0")) {
            return new GpuRequest("none", null, null);
        }
        if (v.equalsIgnoreCase("all")) {
            return new GpuRequest("all", -1, null);
        }
        if (v.matches("[1-9][0-9]{0,2}")) {
            return new GpuRequest(v, Integer.parseInt(v), null);
        }
        if (v.toLowerCase(java.util.Locale.ROOT).startsWith("device=")) {
            v = v.substring(7);
        }
        List<String> ids = new ArrayList<>();
        for (String id : v.split(",", -1)) {
            String trimmed = id.trim();
            if (!DEVICE.matcher(trimmed).matches() && !CDI_NAME.matcher(trimmed).matches()) {
                throw new ExpError("The gpus setting '" + value + "' is not understood: '" + trimmed
                        + "' is not a device index (0), a GPU UUID (GPU-...), a MIG device or a CDI name (nvidia.com/gpu=0).",
                        "set <gpus> (-Dexp.gpus) to none, all, a count such as 2, or device ids such as 0,1 "
                                + "(nvidia-smi -L lists the indexes and UUIDs)");
            }
            ids.add(trimmed);
        }
        return new GpuRequest(String.join(",", ids), null, List.copyOf(ids));
    }

    /** Named devices, each checked as in gpus (device=0 means device 0; a bare 0 would mean no GPUs). */
    public static GpuRequest devices(List<String> ids) {
        return ids.isEmpty() ? parse("none") : parse("device=" + String.join(",", ids));
    }

    public boolean requested() {
        return count != null || deviceIds != null;
    }

    /** True when some device is named as CDI names it (nvidia.com/gpu=0): only a CDI request can carry it. */
    public boolean namesCdiDevices() {
        return deviceIds != null && deviceIds.stream().anyMatch(id -> CDI_NAME.matcher(id).matches());
    }

    /**
     * The DeviceRequest for a resolved mode. {@code nvidia} is what {@code docker run --gpus} sends
     * (driver "", capability gpu; count -1 = all; count and ids never together, which engines
     * reject). {@code cdi} names devices (nvidia.com/gpu=all, nvidia.com/gpu=0), so it cannot carry a count.
     */
    public DeviceRequest deviceRequest(GpuRequestMode mode) {
        if (!requested()) {
            throw new IllegalStateException("no GPUs requested");
        }
        if (mode == GpuRequestMode.CDI) {
            return new DeviceRequest().withDriver("cdi").withDeviceIds(cdiDeviceIds());
        }
        if (namesCdiDevices()) {
            throw new ExpError("The gpus setting '" + text + "' names CDI devices, which only a CDI request carries (gpuRequest="
                    + mode.json() + ").", "set <gpuRequest>cdi</gpuRequest> (-Dexp.gpuRequest=cdi), or name the devices by index or UUID");
        }
        DeviceRequest request = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        return deviceIds != null ? request.withDeviceIds(deviceIds) : request.withCount(count);
    }

    private List<String> cdiDeviceIds() {
        if (deviceIds == null && count > 0) {
            throw new ExpError("gpus=" + text + " is a count, and a CDI request names devices: it cannot ask for a number of GPUs.",
                    "name the devices (-Dexp.gpus=0,1), ask for all, or set <gpuRequest>nvidia</gpuRequest> (-Dexp.gpuRequest=nvidia)");
        }
        if (deviceIds == null) {
            return List.of(CDI_NVIDIA + "all");
        }
        return deviceIds.stream().map(id -> CDI_NAME.matcher(id).matches() ? id : CDI_NVIDIA + id).toList();
    }

    /**
     * What the in-container check must see: "all" (at least one), a minimum count ("2" for gpus=2), or
     * exactly as many as named ("=2" for gpus=0,1): named devices are these devices, never more.
     */
    public String expected() {
        if (deviceIds != null) {
            return deviceIds.stream().anyMatch(id -> id.endsWith("=all")) ? "all" : "=" + deviceIds.size();
        }
        return count != null && count > 0 ? String.valueOf(count) : "all";
    }

    /** The GPU UUIDs named (GPU-...), which the in-container check finds among what nvidia-smi lists. */
    public List<String> uuids() {
        return deviceIds == null ? List.of() : deviceIds.stream().filter(id -> id.startsWith("GPU-") || id.startsWith("MIG-")).toList();
    }
}

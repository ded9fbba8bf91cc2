package dev.exprun.sweep;

import dev.exprun.container.GpuDevice;

/**
 * One GPU of a sweep's pool: leased under one name (the index when the probe found it, else as written
 * in gpuDevices) and given to the trial's container under another (the UUID when known: stable whatever
 * order the container sees devices in).
 */
record GpuSlot(String leaseKey, String deviceId, String label) {
    static GpuSlot named(String id) {
        return new GpuSlot(id, id, id);
    }

    static GpuSlot found(GpuDevice device) {
        return new GpuSlot(String.valueOf(device.index()), device.uuid(), String.valueOf(device.index()));
    }
}

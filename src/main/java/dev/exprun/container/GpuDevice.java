package dev.exprun.container;

/**
 * One GPU of the machine as the discovery probe's nvidia-smi described it. A trial is given it by
 * UUID (stable, whatever order the container sees devices in); it is leased by index, the name
 * users write in gpuDevices and the one every build's probe agrees on.
 */
public record GpuDevice(int index, String uuid, String name, Long memoryMiB) {
    /** "0 (NVIDIA H200, GPU-5bd0a2f8-...)". */
    public String describe() {
        return index + " (" + name + ", " + uuid + ")";
    }
}

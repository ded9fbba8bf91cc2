package dev.exprun.container;

/** The last bytes of one output stream, kept in a ring: enough to compare with the engine's tail. */
final class ByteTail {
    private final byte[] ring;
    private long total;

    ByteTail(int capacity) {
        this.ring = new byte[capacity];
    }

    void add(byte[] data, int offset, int length) {
        int skip = Math.max(0, length - ring.length);
        total += skip;
        int from = offset + skip;
        int left = length - skip;
        while (left > 0) {
            int at = (int) (total % ring.length);
            int n = Math.min(left, ring.length - at);
            System.arraycopy(data, from, ring, at, n);
            total += n;
            from += n;
            left -= n;
        }
    }

    /** The kept bytes, oldest first. */
    byte[] bytes() {
        int size = (int) Math.min(total, ring.length);
        byte[] out = new byte[size];
        int start = (int) ((total - size) % ring.length);
        for (int i = 0; i < size; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }

    /** True once the stream was at least as long as the ring: its start is no longer kept. */
    boolean full() {
        return total >= ring.length;
    }
}

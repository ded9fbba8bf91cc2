package dev.exprun.sweep;

import java.util.List;

/** One swept param: values listed (one value is a constant) or a distribution to draw from; never both. */
record Dimension(String name, List<String> values, Distribution distribution) {
    static Dimension listed(String name, List<String> values) {
        return new Dimension(name, List.copyOf(values), null);
    }

    static Dimension drawn(String name, Distribution distribution) {
        return new Dimension(name, List.of(), distribution);
    }

    boolean isDrawn() {
        return distribution != null;
    }

    String spec() {
        return isDrawn() ? distribution.text() : String.join(",", values);
    }

    String text() {
        return name + "=" + spec();
    }

    /** A list stays a list and a distribution a string, so the record tells them apart. */
    Object json() {
        return isDrawn() ? distribution.text() : values;
    }
}

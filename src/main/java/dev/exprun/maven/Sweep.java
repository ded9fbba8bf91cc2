package dev.exprun.maven;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The POM's {@code <sweep>}: a grid of lists, a random space with samples and a seed, or explicit trials.
 * The maps are LinkedHashMaps so the grid's order is the POM's (Maven fills a plain Map in name order).
 */
public class Sweep {
    /** {@code <lr>0.1,0.01</lr>}: each param's values; the trials are every combination. */
    LinkedHashMap<String, String> grid;
    /** {@code <lr>loguniform(1e-4,1e-1)</lr>}: distributions (uniform, loguniform, int, choice) to draw samples from. */
    LinkedHashMap<String, String> random;
    /** How many trials a random space draws. */
    String samples;
    /** The random space's seed (0 when unset): the same seed draws the same trials. */
    String seed;
    /** Explicit trials, one per element: {@code <trial>lr=0.1;hidden=64</trial>}. */
    List<String> trials;
}

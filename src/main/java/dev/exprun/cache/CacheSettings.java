package dev.exprun.cache;

import dev.exprun.core.ExpError;
import java.util.Locale;
import java.util.Map;

/**
 * The checked run cache settings. A run has a key unless the cache is off or the training is not cacheable
 * ({@code <cacheable>false</cacheable>}, or a param {@code nondeterministic=true}); it is served from the cache
 * only with {@code cache=use}.
 */
public record CacheSettings(CacheMode mode, boolean cacheable, String notCacheableBecause, InputGlobs inputs, String salt) {

    /** The param that marks a training whose result differs run to run on purpose (sampling, exploration). */
    public static final String NONDETERMINISTIC_PARAM = "nondeterministic";

    public static CacheSettings from(CacheConfiguration c, Map<String, Object> params) {
        CacheConfiguration config = c == null ? CacheConfiguration.OFF : c;
        CacheMode mode = CacheMode.parse(config.mode());
        String why = null;
        if (!bool(config.cacheable(), "cacheable", "exp.cacheable")) {
            why = "cacheable=false";
        } else if (isTrue(params.get(NONDETERMINISTIC_PARAM))) {
            why = "the param " + NONDETERMINISTIC_PARAM + "=true";
        }
        return new CacheSettings(mode, why == null, why, InputGlobs.parse(config.inputs()),
                config.salt() == null || config.salt().isBlank() ? null : config.salt());
    }

    /** A trial of a sweep: its params may mark it nondeterministic. */
    public CacheSettings forParams(Map<String, Object> params) {
        if (cacheable && isTrue(params.get(NONDETERMINISTIC_PARAM))) {
            return new CacheSettings(mode, false, "the param " + NONDETERMINISTIC_PARAM + "=true", inputs, salt);
        }
        return this;
    }

    /** True when the run gets a key (and so becomes an entry when it succeeds). */
    public boolean keyed() {
        return mode != CacheMode.OFF && cacheable;
    }

    /** True when an earlier run with the same key is used instead of training. */
    public boolean serves() {
        return mode == CacheMode.USE && cacheable;
    }

    private static boolean isTrue(Object value) {
        return value instanceof Boolean b ? b : value != null && value.toString().trim().equalsIgnoreCase("true");
    }

    private static boolean bool(String value, String element, String property) {
        String v = value == null || value.isBlank() ? "true" : value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ExpError("The " + element + " setting '" + value + "' is not true or false.",
                    "set <" + element + "> (-D" + property + ") to true or false");
        }
        return v.equals("true");
    }
}

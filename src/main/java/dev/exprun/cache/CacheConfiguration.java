package dev.exprun.cache;

import java.util.List;

/**
 * The run cache's configuration as the user wrote it; {@link CacheSettings} checks it. mode: use, refresh or off;
 * cacheable: false marks a training that must never be served from the cache; inputs: cacheInputs globs; salt: cacheSalt.
 * Every field may be null: unset.
 */
public record CacheConfiguration(String mode, String cacheable, List<String> inputs, String salt) {
    /** Caching off: what a reproduction, and a test that trains twice on purpose, use. */
    public static final CacheConfiguration OFF = new CacheConfiguration("off", null, List.of(), null);
}

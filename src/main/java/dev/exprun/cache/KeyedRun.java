package dev.exprun.cache;

import dev.exprun.history.RunNote;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.CacheKey;
import java.util.List;
import java.util.Map;

/**
 * An earlier run with a cache key, as a run directory's record or a git note tells it: enough to serve it (the
 * record, or the note with its artifacts' coordinates) and to say how the key changed since (the values behind the
 * parts that are recorded anyway: params, command, image digest, commit, GPU request, env names).
 */
public record KeyedRun(String runId, String startedAt, String status, String project, String branch, String commit,
                       String cachedFrom, CacheKey cache, Map<String, Object> params, List<String> command, String imageDigest,
                       String gpus, List<String> envNames, List<String> changes, RunRecord record, RunNote note) {

    public static KeyedRun of(RunRecord r) {
        RunRecord.ContainerInfo c = r.container();
        return new KeyedRun(r.runId(), r.startedAt(), r.status() == null ? null : r.status().json(),
                r.project() == null ? null : r.project().coordinates(), r.git() == null ? null : r.git().branch(),
                r.git() == null ? null : r.git().commit(), r.cachedFrom(), r.cache(), r.params(), c == null ? null : c.command(),
                r.image() == null ? null : r.image().digest(), c == null ? null : c.gpusRequested(), c == null ? null : c.env(),
                r.git() == null || r.git().changes() == null ? null : r.git().changes().describeLines(), r, null);
    }

    public static KeyedRun of(RunNote n) {
        String project = n.project() == null ? null : n.project().substring(0, Math.max(0, n.project().lastIndexOf(':')));
        return new KeyedRun(n.runId(), n.startedAt(), n.status(), project, n.branch(), n.commit(), n.cachedFrom(), n.cache(),
                n.params(), n.command(), n.imageDigest(), null, null, null, null, n);
    }

    /** True when this run trained (not itself served from the cache) and succeeded with this key. */
    public boolean servesKey(String key) {
        return cache != null && key.equals(cache.key()) && "succeeded".equals(status) && cachedFrom == null;
    }
}

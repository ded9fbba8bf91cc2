package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.git.BranchGlob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * The experiment branches of a repository and its main branch, from the refs alone. A branch that exists locally and
 * on a remote is one experiment: the local ref wins (it is what its owner works on); a remote-only one is read from
 * its remote-tracking ref, {@code origin} first, so a fresh clone in CI sees every experiment.
 */
public final class ExperimentBranches {
    private final Repository repo;

    public ExperimentBranches(Repository repo) {
        this.repo = repo;
    }

    /** Every branch whose short name matches pattern, sorted by name. */
    public List<ExperimentBranch> list(String pattern) {
        Pattern glob = BranchGlob.compile(pattern);
        Map<String, ExperimentBranch> byName = new LinkedHashMap<>();
        try {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                String name = ref.getName().substring(Constants.R_HEADS.length());
                if (glob.matcher(name).matches() && ref.getObjectId() != null) {
                    byName.put(name, new ExperimentBranch(name, ref.getName(), ref.getObjectId()));
                }
            }
            for (String remote : remotes()) {
                String prefix = Constants.R_REMOTES + remote + "/";
                for (Ref ref : repo.getRefDatabase().getRefsByPrefix(prefix)) {
                    String name = ref.getName().substring(prefix.length());
                    if (!ref.isSymbolic() && glob.matcher(name).matches() && ref.getObjectId() != null) {
                        byName.putIfAbsent(name, new ExperimentBranch(name, ref.getName(), ref.getObjectId()));
                    }
                }
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        List<ExperimentBranch> branches = new ArrayList<>(byName.values());
        branches.sort(Comparator.comparing(ExperimentBranch::name));
        return branches;
    }

    /** The branch of that name: local, else the first remote's remote-tracking branch. */
    public Optional<ExperimentBranch> find(String name) {
        try {
            Ref local = repo.exactRef(Constants.R_HEADS + name);
            if (local != null && local.getObjectId() != null) {
                return Optional.of(new ExperimentBranch(name, local.getName(), local.getObjectId()));
            }
            for (String remote : remotes()) {
                Ref tracking = repo.exactRef(Constants.R_REMOTES + remote + "/" + name);
                if (tracking != null && tracking.getObjectId() != null) {
                    return Optional.of(new ExperimentBranch(name, tracking.getName(), tracking.getObjectId()));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The main branch the experiments are cut from; its absence is a configuration error that names the fix. */
    public ExperimentBranch main(String mainBranch) {
        return find(mainBranch).orElseThrow(() -> new ExpError("There is no branch '" + mainBranch
                + "' (neither local nor remote-tracking) to compare the experiment branches with.",
                "name the branch experiments are cut from with <mainBranch> (-Dexp.mainBranch=master), or fetch it (git fetch origin "
                        + mainBranch + ")"));
    }

    /** The remotes, origin first, then by name. */
    private List<String> remotes() {
        List<String> names = new ArrayList<>(repo.getRemoteNames());
        names.sort(Comparator.comparing((String r) -> !r.equals("origin")).thenComparing(Comparator.naturalOrder()));
        return names;
    }

    private ExpError unreadable(IOException e) {
        return new ExpError("Cannot read the branches of " + repo.getDirectory() + ": " + e.getMessage(),
                "check that the repository is readable (git branch -a works)", e);
    }
}

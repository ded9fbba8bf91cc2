package dev.exprun.git;

import java.util.List;
import java.util.Map;

/** The branch a CI system checked out, for builds that run on a detached HEAD. */
final class CiBranch {
    /** First match wins; GITHUB_HEAD_REF comes first because on pull requests GITHUB_REF_NAME is "N/merge". */
    static final List<String> VARIABLES = List.of("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME",
            "BRANCH_NAME", "GIT_BRANCH", "BUILDKITE_BRANCH", "CIRCLE_BRANCH", "TRAVIS_BRANCH", "BITBUCKET_BRANCH");

    record Found(String branch, String variable) {
    }

    private CiBranch() {
    }

    /** The first non-empty variable, or null. */
    static Found find(Map<String, String> env) {
        for (String name : VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return new Found(clean(name, value.trim()), name);
            }
        }
        return null;
    }

    private static String clean(String variable, String value) {
        // Jenkins' git plugin reports the remote-tracking name, e.g. "origin/main".
        if (variable.equals("GIT_BRANCH") && value.startsWith("origin/")) {
            return value.substring("origin/".length());
        }
        return value;
    }
}

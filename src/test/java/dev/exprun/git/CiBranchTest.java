package dev.exprun.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CiBranchTest {

    @Test
    void pullRequestHeadRefWinsOverRefName() {
        CiBranch.Found found = CiBranch.find(Map.of("GITHUB_HEAD_REF", "feature/x", "GITHUB_REF_NAME", "12/merge"));
        assertEquals(new CiBranch.Found("feature/x", "GITHUB_HEAD_REF"), found);
    }

    @Test
    void emptyVariablesAreSkipped() {
        // GitHub sets GITHUB_HEAD_REF to "" outside pull requests.
        CiBranch.Found found = CiBranch.find(Map.of("GITHUB_HEAD_REF", "", "GITHUB_REF_NAME", "main"));
        assertEquals(new CiBranch.Found("main", "GITHUB_REF_NAME"), found);
    }

    @Test
    void jenkinsRemoteNameLosesOrigin() {
        assertEquals(new CiBranch.Found("release/2", "GIT_BRANCH"), CiBranch.find(Map.of("GIT_BRANCH", "origin/release/2")));
        assertEquals(new CiBranch.Found("upstream/x", "GIT_BRANCH"), CiBranch.find(Map.of("GIT_BRANCH", "upstream/x")));
    }

    @Test
    void orderIsTheDocumentedOne() {
        Map<String, String> env = Map.of("BITBUCKET_BRANCH", "bb", "TRAVIS_BRANCH", "travis", "CIRCLE_BRANCH", "circle",
                "BUILDKITE_BRANCH", "bk", "BRANCH_NAME", "jenkins", "CI_COMMIT_REF_NAME", "gitlab");
        assertEquals(new CiBranch.Found("gitlab", "CI_COMMIT_REF_NAME"), CiBranch.find(env));
        assertEquals(new CiBranch.Found("bk", "BUILDKITE_BRANCH"),
                CiBranch.find(Map.of("BITBUCKET_BRANCH", "bb", "CIRCLE_BRANCH", "c", "BUILDKITE_BRANCH", "bk")));
    }

    @Test
    void noVariableNoBranch() {
        assertNull(CiBranch.find(Map.of("PATH", "/bin")));
    }
}

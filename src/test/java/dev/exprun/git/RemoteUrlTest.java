package dev.exprun.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.eclipse.jgit.lib.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteUrlTest {

    @ParameterizedTest
    @CsvSource({
            "https://user:token@github.com/org/repo.git, https://github.com/org/repo.git",
            "https://ghp_abc123@github.com/org/repo.git, https://github.com/org/repo.git",
            "https://oauth2:glpat-x@gitlab.example.com:8443/g/p.git, https://gitlab.example.com:8443/g/p.git",
            "http://u:p@host/x, http://host/x",
            "HTTPS://u:p@host/x, HTTPS://host/x",
            "https://github.com/org/repo.git, https://github.com/org/repo.git",
            "https://host/path/with@sign, https://host/path/with@sign",
            "https://user:p@ss@host/x.git, https://host/x.git",
            "ssh://git@github.com/org/repo.git, ssh://git@github.com/org/repo.git",
            "ssh://git:secret@host:2222/org/repo.git, ssh://git@host:2222/org/repo.git",
            "git@github.com:org/repo.git, git@github.com:org/repo.git",
            "/srv/git/repo.git, /srv/git/repo.git",
            "file:///srv/git/repo.git, file:///srv/git/repo.git",
            "../sibling, ../sibling",
    })
    void removesCredentials(String url, String expected) {
        assertEquals(expected, RemoteUrl.redact(url));
    }

    @Test
    void prefersOrigin() throws Exception {
        Config config = new Config();
        config.fromText("[remote \"upstream\"]\n\turl = https://a@host/up.git\n"
                + "[remote \"origin\"]\n\turl = https://x:y@host/origin.git\n");
        assertEquals("https://host/origin.git", RemoteUrl.of(config));
    }

    @Test
    void otherwiseTakesTheFirstRemote() throws Exception {
        Config config = new Config();
        config.fromText("[remote \"upstream\"]\n\turl = https://tok@host/up.git\n"
                + "[remote \"fork\"]\n\turl = git@host:me/fork.git\n");
        assertEquals("https://host/up.git", RemoteUrl.of(config));
    }

    @Test
    void noRemoteIsNull() {
        assertNull(RemoteUrl.of(new Config()));
    }
}

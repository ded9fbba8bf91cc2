package dev.exprun.git;

import java.util.Locale;
import java.util.Set;

import org.eclipse.jgit.lib.Config;

/** Picks the remote a run is recorded against and removes credentials from its URL. */
public final class RemoteUrl {
    // For ssh the user-info names the login (usually "git"), not a secret; everywhere else (http above all)
    // it is a credential, often a bare token, so it is dropped whole.
    private static final Set<String> LOGIN_SCHEMES = Set.of("ssh", "git+ssh", "ssh+git", "sftp");

    private RemoteUrl() {
    }

    /** origin's URL, else the first remote's (in config order), redacted; null when there is no remote. */
    static String of(Config config) {
        String origin = config.getString("remote", "origin", "url");
        if (origin != null) {
            return redact(origin);
        }
        for (String name : config.getSubsections("remote")) {
            String url = config.getString("remote", name, "url");
            if (url != null) {
                return redact(url);
            }
        }
        return null;
    }

    /**
     * {@code https://user:token@host/x.git -> https://host/x.git}; {@code ssh://git:pw@host/x -> ssh://git@host/x};
     * scp-style {@code git@host:org/repo.git} and local paths are returned as they are.
     */
    public static String redact(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return url;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = indexOfAny(url, "/?#", authorityStart);
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) {
            return url;
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String userInfo = url.substring(authorityStart, at);
        String kept = LOGIN_SCHEMES.contains(scheme) ? loginOnly(userInfo) : "";
        return url.substring(0, authorityStart) + kept + url.substring(at + 1);
    }

    private static String loginOnly(String userInfo) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return user.isEmpty() ? "" : user + "@";
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}

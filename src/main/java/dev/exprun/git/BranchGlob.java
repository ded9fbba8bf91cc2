package dev.exprun.git;

import java.util.regex.Pattern;

/**
 * A glob over branch names, as git's own ref globs read: {@code *} stays within a path segment
 * ({@code exp/*} matches {@code exp/lr-3} but not {@code exp/a/b}), {@code **} crosses segments, {@code ?} is one
 * character of a segment. Everything else is literal, so a dot or a plus in a branch name means itself.
 */
public final class BranchGlob {
    private BranchGlob() {
    }

    public static Pattern compile(String glob) {
        String g = glob.trim();
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    public static boolean matches(String glob, String branch) {
        return branch != null && compile(glob).matcher(branch).matches();
    }
}

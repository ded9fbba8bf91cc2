package dev.exprun.tagging;

/**
 * How exp:tag publishes: sign (null follows git's tag.gpgSign), push to remote, with credentials
 * from settings.xml or, when null, whatever git itself would use.
 */
public record TagOptions(Boolean sign, boolean push, String remote, GitCredentials credentials) {
    public static final String DEFAULT_REMOTE = "origin";

    public static TagOptions local() {
        return new TagOptions(false, false, DEFAULT_REMOTE, null);
    }

    public String remoteName() {
        return remote == null || remote.isBlank() ? DEFAULT_REMOTE : remote.trim();
    }
}

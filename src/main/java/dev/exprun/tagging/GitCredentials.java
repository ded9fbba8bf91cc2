package dev.exprun.tagging;

/** A login for the git remote, from a settings.xml server; source names it in messages, never the password. */
public record GitCredentials(String username, String password, String source) {
    @Override
    public String toString() {
        return "GitCredentials[" + source + "]";
    }
}

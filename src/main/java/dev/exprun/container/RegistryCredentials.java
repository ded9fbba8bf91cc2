package dev.exprun.container;

/** A registry login. toString never shows the password: these objects end up in debug logs. */
public record RegistryCredentials(String username, String password, String source) {
    @Override
    public String toString() {
        return "RegistryCredentials[" + username + " from " + source + "]";
    }
}

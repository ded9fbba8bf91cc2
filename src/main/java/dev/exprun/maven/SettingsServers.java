package dev.exprun.maven;

import dev.exprun.core.ExpError;
import dev.exprun.tagging.GitCredentials;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** settings.xml servers with a username, passwords decrypted; a server that cannot be decrypted is skipped with a warning. */
final class SettingsServers {
    private SettingsServers() {
    }

    /** The git login a settings.xml server gives; null when no id is set (git's own credentials then). */
    static GitCredentials gitCredentials(MavenSession session, SettingsDecrypter decrypter, String gitServerId, Log log) {
        if (gitServerId == null || gitServerId.isBlank()) {
            return null;
        }
        Server server = withLogins(session, decrypter, log).get(gitServerId.trim());
        if (server == null) {
            throw new ExpError("There is no settings.xml <server> with the id '" + gitServerId + "' and a username for the git remote.",
                    "add <server><id>" + gitServerId + "</id><username>...</username><password>...</password></server> to settings.xml, "
                            + "or leave <gitServerId> unset to use git's own credentials");
        }
        return new GitCredentials(server.getUsername(), server.getPassword(), "settings.xml server " + gitServerId.trim());
    }

    static Map<String, Server> withLogins(MavenSession session, SettingsDecrypter decrypter, Log log) {
        Map<String, Server> byId = new LinkedHashMap<>();
        if (session == null || session.getSettings() == null) {
            return byId; // embedded Maven (IDE runners, the testing harness) may run without settings
        }
        for (Server server : session.getSettings().getServers()) {
            if (server.getUsername() == null) {
                continue;
            }
            SettingsDecryptionResult decrypted = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
            if (!decrypted.getProblems().isEmpty()) {
                log.warn("Ignoring the settings.xml server " + server.getId() + ": its password cannot be decrypted ("
                        + decrypted.getProblems().get(0).getMessage() + ")");
                continue;
            }
            byId.put(server.getId(), decrypted.getServer() == null ? server : decrypted.getServer());
        }
        return byId;
    }
}

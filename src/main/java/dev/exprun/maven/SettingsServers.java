package dev.exprun.maven;

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

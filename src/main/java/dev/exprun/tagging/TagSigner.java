package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExternalProgram;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TagBuilder;

/**
 * Signs a tag the way {@code git tag -s} does: the tag object without its signature goes to
 * {@code gpg --status-fd=2 -bsau <key>} (gpg.program, user.signingKey, else the tagger), and the
 * armored signature is appended to the message. The user's keyring and agent do the rest.
 */
final class TagSigner {
    private TagSigner() {
    }

    static void sign(Path workTree, Config config, TagBuilder tag, PersonIdent tagger) throws IOException {
        String format = config.getString("gpg", null, "format");
        if (format != null && !format.equalsIgnoreCase("openpgp")) {
            throw new ExpError("git's gpg.format is '" + format + "'; exp:tag signs with OpenPGP only.",
                    "set gpg.format=openpgp for this repository, or build without <sign> (-Dexp.sign=false)");
        }
        String program = firstNonNull(config.getString("gpg", "openpgp", "program"), config.getString("gpg", null, "program"), "gpg");
        String key = firstNonNull(config.getString("user", null, "signingkey"),
                tagger.getName() + " <" + tagger.getEmailAddress() + ">", null);
        tag.setGpgSignature(null);
        byte[] payload = tag.build();
        ExternalProgram.Result result = ExternalProgram.run(workTree, List.of(program, "--status-fd=2", "-bsau", key), Map.of(),
                payload, Duration.ofMinutes(2));
        if (result.exit() != 0 || !result.err().contains("[GNUPG:] SIG_CREATED ")) {
            throw new ExpError("gpg could not sign the tag with the key '" + key + "' (exit " + result.exit() + "): "
                    + lastLines(result.err()), "check that gpg has a secret key for user.signingKey (gpg --list-secret-keys), "
                    + "or build without <sign> (-Dexp.sign=false)");
        }
        tag.setGpgSignature(new GpgSignature(result.out()));
    }

    private static String firstNonNull(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }

    private static String lastLines(String err) {
        String kept = err.lines().filter(l -> !l.startsWith("[GNUPG:]")).reduce((a, b) -> a + "\n" + b).orElse("");
        return kept.isBlank() ? "no message" : kept.strip();
    }
}

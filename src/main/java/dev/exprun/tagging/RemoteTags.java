package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExternalProgram;
import dev.exprun.git.RemoteUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag on the remote, through the git program so that the remote is reached exactly as git reaches
 * it (ssh config and agent, credential helpers, proxies). A settings.xml login, when given, is handed
 * to git by a one-off credential helper that reads it from the environment: never on a command line.
 * The push never forces, so git itself refuses to overwrite a tag the remote already has.
 */
final class RemoteTags {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"]+");
    private static final String HELPER = "!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' "
            + "\"$EXP_GIT_USERNAME\" \"$EXP_GIT_PASSWORD\"; }; f";

    /** What a push did: pushed, refused because the remote has the tag, or failed for another reason (detail says). */
    record Push(boolean pushed, boolean remoteHasTag, String detail) {
    }

    private final Path workTree;
    private final String remote;
    private final GitCredentials credentials;

    RemoteTags(Path workTree, String remote, GitCredentials credentials) {
        this.workTree = workTree;
        this.remote = remote;
        this.credentials = credentials;
    }

    /** The id the remote's tag points at; empty when the remote has no such tag. Unreachable: RemoteUnreachable. */
    Optional<String> lookup(String name) {
        ExternalProgram.Result r = git("ls-remote", "--tags", remote, "refs/tags/" + name);
        if (r.exit() != 0) {
            throw new RemoteUnreachable(redact(r.err().strip()));
        }
        for (String line : r.outText().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length == 2 && parts[1].equals("refs/tags/" + name)) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    Push push(String name) {
        String ref = "refs/tags/" + name;
        ExternalProgram.Result r = git("push", "--porcelain", remote, ref + ":" + ref);
        String out = r.outText();
        for (String line : out.split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length >= 3 && parts[1].equals(ref + ":" + ref)) {
                boolean exists = parts[2].contains("already exists") || parts[2].contains("fetch first") || parts[2].contains("stale info");
                return new Push(parts[0].equals("*") || parts[0].equals("="), exists && parts[0].equals("!"),
                        redact((parts[2] + "\n" + r.err()).strip()));
            }
        }
        return new Push(false, false, redact((out + "\n" + r.err()).strip()));
    }

    String name() {
        return remote;
    }

    /** How to do by hand what failed, for messages. */
    String manualPush(String name) {
        return "git push " + remote + " refs/tags/" + name;
    }

    private ExternalProgram.Result git(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        Map<String, String> env = new HashMap<>();
        env.put("GIT_TERMINAL_PROMPT", "0"); // a build must fail, not hang, when git wants a password
        if (credentials != null) {
            command.addAll(List.of("-c", "credential.helper=", "-c", "credential.helper=" + HELPER));
            env.put("EXP_GIT_USERNAME", credentials.username());
            env.put("EXP_GIT_PASSWORD", credentials.password() == null ? "" : credentials.password());
        }
        command.addAll(List.of(args));
        return ExternalProgram.run(workTree, command, env, new byte[0], TIMEOUT);
    }

    /** git's messages may echo the remote URL, token included; and never repeat the password itself. */
    String redact(String text) {
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(RemoteUrl.redact(m.group())));
        }
        m.appendTail(out);
        String result = out.toString();
        if (credentials != null && credentials.password() != null && !credentials.password().isEmpty()) {
            result = result.replace(credentials.password(), "****");
        }
        return result;
    }

    /** The remote could not be asked: network, credentials, a wrong URL. */
    static final class RemoteUnreachable extends RuntimeException {
        RemoteUnreachable(String reason) {
            super(reason.isEmpty() ? "no message from git" : reason);
        }
    }
}

package dev.exprun.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The git program, for work with a remote, so that the remote is reached exactly as git reaches it
 * (ssh config and agent, credential helpers, proxies). A settings.xml login, when given, is handed to
 * git by a one-off credential helper that reads it from the environment: never on a command line.
 * Never waits for a password: git fails instead.
 */
public final class RemoteGit {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"]+");
    private static final String HELPER = "!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' "
            + "\"$EXP_GIT_USERNAME\" \"$EXP_GIT_PASSWORD\"; }; f";

    private final Path dir;
    private final boolean login;
    private final String username;
    private final String password;
    private final UnaryOperator<String> urlRedactor;

    /**
     * username and password both null: git's own credentials only. urlRedactor removes the credentials from one URL
     * (the git package knows URL forms; the core does not).
     */
    public RemoteGit(Path dir, String username, String password, UnaryOperator<String> urlRedactor) {
        this.dir = dir;
        this.login = username != null || password != null;
        this.username = username;
        this.password = password;
        this.urlRedactor = urlRedactor;
    }

    public ExternalProgram.Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        Map<String, String> env = new HashMap<>();
        env.put("GIT_TERMINAL_PROMPT", "0"); // a build must fail, not hang, when git wants a password
        if (login) {
            command.addAll(List.of("-c", "credential.helper=", "-c", "credential.helper=" + HELPER));
            env.put("EXP_GIT_USERNAME", username == null ? "" : username);
            env.put("EXP_GIT_PASSWORD", password == null ? "" : password);
        }
        command.addAll(List.of(args));
        return ExternalProgram.run(dir, command, env, new byte[0], TIMEOUT);
    }

    /**
     * The object the remote's ref (its full name, {@code refs/tags/v1.0}) points at, as {@code git ls-remote} says; empty
     * when the remote has no such ref. A remote that cannot be asked (network, credentials, a wrong URL): Unreachable.
     */
    public Optional<String> remoteRef(String remote, String ref) {
        ExternalProgram.Result r = run("ls-remote", remote, ref);
        if (r.exit() != 0) {
            throw new Unreachable(redact(r.err().strip()));
        }
        for (String line : r.outText().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length == 2 && parts[1].equals(ref)) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    /** The remote could not be asked; the message is git's, credentials removed. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String reason) {
            super(reason.isEmpty() ? "no message from git" : reason);
        }
    }

    /** git's messages may echo the remote URL, token included; and never repeat the password itself. */
    public String redact(String text) {
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(urlRedactor.apply(m.group())));
        }
        m.appendTail(out);
        String result = out.toString();
        if (password != null && !password.isEmpty()) {
            result = result.replace(password, "****");
        }
        return result;
    }
}

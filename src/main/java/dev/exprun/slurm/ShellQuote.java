package dev.exprun.slurm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quotes for bash: every value in single quotes, where nothing is special (a single quote itself is
 * closed, escaped and reopened). Quotes, spaces, {@code $}, backticks and newlines reach the program unchanged.
 */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String quote(String value) {
        if (!value.isEmpty() && value.matches("[A-Za-z0-9_@%+:,./-]+")) {
            return value; // nothing to protect: keeps the script readable
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> values) {
        return values.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}

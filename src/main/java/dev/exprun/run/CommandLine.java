package dev.exprun.run;

import dev.exprun.core.ExpError;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code -Dexp.command="python3 train.py --name 'a b'"} into arguments the way a POSIX shell
 * would (quotes and backslashes), without running a shell: no expansion, no globbing.
 */
public final class CommandLine {
    private CommandLine() {
    }

    public static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                inArg = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\') {
                    if (i + 1 == line.length()) {
                        throw unterminated(line, "a trailing backslash");
                    }
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            }
        }
        if (quote != 0) {
            throw unterminated(line, "an unclosed " + quote + " quote");
        }
        if (inArg) {
            args.add(current.toString());
        }
        return args;
    }

    private static ExpError unterminated(String line, String what) {
        return new ExpError("The command \"" + line + "\" ends with " + what + ".",
                "close the quote in -Dexp.command, or give the command as a list: <command><arg>python3</arg><arg>train.py</arg></command>");
    }
}

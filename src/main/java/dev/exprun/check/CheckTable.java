package dev.exprun.check;

import java.util.ArrayList;
import java.util.List;

/** exp:check-env's table as aligned text lines, one per check. */
public final class CheckTable {
    private CheckTable() {
    }

    public static List<String> lines(List<CheckRow> rows) {
        int width = Math.max("CHECK".length(), rows.stream().mapToInt(r -> r.check().length()).max().orElse(0));
        List<String> lines = new ArrayList<>();
        lines.add(pad("CHECK", width) + "  " + pad("VERDICT", 7) + "  DETAIL");
        for (CheckRow row : rows) {
            lines.add(pad(row.check(), width) + "  " + pad(row.verdict().name(), 7) + "  " + row.detail().replace('\n', ' '));
        }
        return lines;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}

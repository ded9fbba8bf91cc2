package dev.exprun.core;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells as aligned lines, the first row a header; the last column is not padded. */
public final class TextTable {
    private TextTable() {
    }

    public static List<String> align(List<List<String>> rows, String indent) {
        int[] width = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length()));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}

package dev.exprun.git;

/** A rename staged in the index (HEAD path {@code from}, index path {@code to}). */
public record GitRename(String from, String to) {
}

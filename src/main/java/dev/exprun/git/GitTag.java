package dev.exprun.git;

/** A tag that points at HEAD; {@code annotated} tells a tag object from a lightweight ref. */
public record GitTag(String name, boolean annotated) {
}

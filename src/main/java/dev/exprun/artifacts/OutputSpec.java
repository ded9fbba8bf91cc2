package dev.exprun.artifacts;

/**
 * A declared output: files under the output dir matching {@code pattern} (a glob relative to it),
 * attached with {@code classifier} and {@code type} (default: the file extension).
 */
public record OutputSpec(String pattern, String classifier, String type, boolean optional) {
}

package dev.exprun.container;

/** Receives the container's output one complete line at a time (without the line break). */
@FunctionalInterface
public interface LogLineSink {
    void line(boolean stderr, String text);
}

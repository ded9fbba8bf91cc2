package dev.exprun.workbench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a server's output for the line that says it is up, passing every byte on unchanged: the event to act on,
 * instead of a guess of how long it takes. Streams wrapped by one watcher share it; whenSeen runs once.
 */
final class ReadyLine {
    private final String marker;
    private final Runnable whenSeen;
    private final AtomicBoolean seen = new AtomicBoolean();

    ReadyLine(String marker, Runnable whenSeen) {
        this.marker = marker;
        this.whenSeen = whenSeen;
    }

    boolean seen() {
        return seen.get();
    }

    OutputStream watch(OutputStream to) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                to.write(b, off, len);
                for (int i = off; i < off + len && !seen.get(); i++) {
                    if (b[i] == '\n') {
                        check();
                        line.reset();
                    } else if (line.size() < 4096) {
                        line.write(b[i]);
                    }
                }
            }

            private void check() {
                if (line.toString(StandardCharsets.UTF_8).contains(marker) && seen.compareAndSet(false, true)) {
                    whenSeen.run();
                }
            }

            @Override
            public void flush() throws IOException {
                to.flush();
            }
        };
    }
}

package dev.exprun.container;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits one output stream into lines for display. Bytes are decoded as UTF-8 with replacement
 * (binary output must not break the build); lines longer than the display limit are cut for the
 * log only, the raw log keeps them whole.
 */
public final class LineSplitter {
    static final int DISPLAY_LIMIT = 16 * 1024;

    private final boolean stderr;
    private final LogLineSink sink;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream(256);
    private long cutBytes;

    public LineSplitter(boolean stderr, LogLineSink sink) {
        this.stderr = stderr;
        this.sink = sink;
    }

    public void feed(byte[] data, int offset, int length) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (data[i] == '\n') {
                if (current.size() == 0 && i - start <= DISPLAY_LIMIT) {
                    // The whole line is in this chunk (the usual case): decode it in place.
                    emitDirect(data, start, i - start);
                } else {
                    append(data, start, i - start);
                    emit();
                }
                start = i + 1;
            }
        }
        append(data, start, end - start);
    }

    /** Emits a last line that had no line break: it is output like any other. */
    public void flush() {
        if (current.size() > 0 || cutBytes > 0) {
            emit();
        }
    }

    private void append(byte[] data, int offset, int length) {
        int room = DISPLAY_LIMIT - current.size();
        int take = Math.min(room, length);
        current.write(data, offset, take);
        cutBytes += length - take;
    }

    private void emitDirect(byte[] data, int offset, int length) {
        sink.line(stderr, text(data, offset, length));
    }

    /** One line's text: UTF-8, without a trailing carriage return. */
    private static String text(byte[] data, int offset, int length) {
        int len = length > 0 && data[offset + length - 1] == '\r' ? length - 1 : length;
        return new String(data, offset, len, StandardCharsets.UTF_8);
    }

    private void emit() {
        byte[] bytes = current.toByteArray();
        String text = text(bytes, 0, bytes.length);
        if (cutBytes > 0) {
            text += " [... " + cutBytes + " more bytes in the raw log]";
        }
        current.reset();
        cutBytes = 0;
        sink.line(stderr, text);
    }
}

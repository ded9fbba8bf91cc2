package dev.exprun.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * Writes a "literal" hunk of git's binary patch format: the full new content, zlib-deflated and
 * base85-encoded, streamed so a large file is never held in memory. Only the forward hunk is written;
 * git apply treats the reverse one as optional and checks the preimage by the full index line instead.
 */
final class BinaryLiteral {
    private final OutputStream out;
    private final byte[] line = new byte[GitBase85.LINE_BYTES];
    private int lineLength;

    private BinaryLiteral(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes {@code literal <size>}, the data lines and the blank line that ends the hunk.
     *
     * @return the number of bytes read from content, for the caller to check against size
     */
    static long write(OutputStream out, long size, InputStream content) throws IOException {
        out.write(("literal " + size + "\n").getBytes(StandardCharsets.US_ASCII));
        // Fastest level: a dirty tree with large data files must not slow every build; git inflates any level.
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            long read = new BinaryLiteral(out).deflate(deflater, content);
            out.write('\n');
            return read;
        } finally {
            deflater.end();
        }
    }

    private long deflate(Deflater deflater, InputStream content) throws IOException {
        byte[] in = new byte[64 * 1024];
        byte[] deflated = new byte[64 * 1024];
        long read = 0;
        for (int n; (n = content.read(in)) >= 0; ) {
            read += n;
            deflater.setInput(in, 0, n);
            while (!deflater.needsInput()) {
                emit(deflated, deflater.deflate(deflated));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            emit(deflated, deflater.deflate(deflated));
        }
        if (lineLength > 0) {
            GitBase85.writeLine(out, line, lineLength);
        }
        return read;
    }

    private void emit(byte[] data, int length) throws IOException {
        for (int i = 0; i < length; i++) {
            line[lineLength++] = data[i];
            if (lineLength == GitBase85.LINE_BYTES) {
                GitBase85.writeLine(out, line, lineLength);
                lineLength = 0;
            }
        }
    }
}

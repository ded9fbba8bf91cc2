package dev.exprun.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** git's base85 line encoding for binary patches (base85.c and the length prefix of apply.c). */
final class GitBase85 {
    /** The most bytes one line carries; its length is written as 'A'..'Z' (1..26), 'a'..'z' (27..52). */
    static final int LINE_BYTES = 52;

    private static final byte[] ALPHABET = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            + "abcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~").getBytes(StandardCharsets.US_ASCII);

    private GitBase85() {
    }

    /** Writes one line: the length char, then 5 chars per 4 bytes (the last group zero-padded), then LF. */
    static void writeLine(OutputStream out, byte[] data, int length) throws IOException {
        if (length < 1 || length > LINE_BYTES) {
            throw new IllegalArgumentException("line length " + length);
        }
        byte[] line = new byte[2 + (length + 3) / 4 * 5];
        line[0] = (byte) (length <= 26 ? 'A' + length - 1 : 'a' + length - 27);
        int at = 1;
        for (int i = 0; i < length; i += 4) {
            long group = 0;
            for (int k = 0; k < 4; k++) {
                group = group << 8 | (i + k < length ? data[i + k] & 0xff : 0);
            }
            for (int c = 4; c >= 0; c--) {
                line[at + c] = ALPHABET[(int) (group % 85)];
                group /= 85;
            }
            at += 5;
        }
        line[at] = '\n';
        out.write(line);
    }
}

package dev.exprun.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.InflaterInputStream;

import org.junit.jupiter.api.Test;

class GitBase85Test {

    @Test
    void emptyZlibStreamIsTheLineGitWritesForLiteralZero() throws Exception {
        // git diff --binary writes "literal 0\nHcmV?d00001" for an empty side (zlib at level 1, as git).
        byte[] emptyZlib = {0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GitBase85.writeLine(out, emptyZlib, emptyZlib.length);
        assertEquals("HcmV?d00001\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void lengthCharsCoverOneToFiftyTwo() throws Exception {
        assertEquals('A', firstChar(1));
        assertEquals('Z', firstChar(26));
        assertEquals('a', firstChar(27));
        assertEquals('z', firstChar(52));
    }

    @Test
    void literalRoundTripsThroughDecoding() throws Exception {
        byte[] content = PatchApplyTest.binary(1000, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long read = BinaryLiteral.write(out, content.length, new ByteArrayInputStream(content));
        assertEquals(content.length, read);
        String[] lines = out.toString(StandardCharsets.US_ASCII).split("\n", -1);
        assertEquals("literal 1000", lines[0]);
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        int i = 1;
        for (; !lines[i].isEmpty(); i++) {
            deflated.writeBytes(decodeLine(lines[i]));
        }
        assertEquals(i + 2, lines.length, "one blank line ends the hunk");
        byte[] inflated = new InflaterInputStream(new ByteArrayInputStream(deflated.toByteArray())).readAllBytes();
        assertEquals(HexFormat.of().formatHex(content), HexFormat.of().formatHex(inflated));
    }

    private static char firstChar(int length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GitBase85.writeLine(out, new byte[length], length);
        return (char) out.toByteArray()[0];
    }

    /** An independent decoder, written from git's base85.c, to check the encoder against. */
    private static byte[] decodeLine(String line) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
        char c = line.charAt(0);
        int length = c <= 'Z' ? c - 'A' + 1 : c - 'a' + 27;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int at = 1; at < line.length(); at += 5) {
            long group = 0;
            for (int k = 0; k < 5; k++) {
                group = group * 85 + alphabet.indexOf(line.charAt(at + k));
            }
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes.write((int) (group >> shift) & 0xff);
            }
        }
        byte[] all = bytes.toByteArray();
        return Arrays.copyOf(all, length);
    }
}

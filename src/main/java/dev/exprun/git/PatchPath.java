package dev.exprun.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A path as git writes it in a patch header: prefixed, and C-quoted when it holds special bytes. */
final class PatchPath {
    private PatchPath() {
    }

    /** {@code prefix + path}, quoted like git's quote_c_style (non-ASCII always quoted, as git does by default). */
    static byte[] of(String prefix, byte[] path) {
        byte[] plain = concat(prefix.getBytes(StandardCharsets.US_ASCII), path);
        if (!needsQuoting(path)) {
            return plain;
        }
        ByteArrayOutputStream quoted = new ByteArrayOutputStream(plain.length + 8);
        quoted.write('"');
        for (byte b : plain) {
            writeEscaped(quoted, b & 0xff);
        }
        quoted.write('"');
        return quoted.toByteArray();
    }

    static boolean hasSpace(byte[] path) {
        for (byte b : path) {
            if (b == ' ') {
                return true;
            }
        }
        return false;
    }

    private static boolean needsQuoting(byte[] path) {
        for (byte b : path) {
            int c = b & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    private static void writeEscaped(ByteArrayOutputStream out, int c) {
        String escape = switch (c) {
            case 0x07 -> "\\a";
            case '\b' -> "\\b";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case 0x0b -> "\\v";
            case '\f' -> "\\f";
            case '\r' -> "\\r";
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            default -> c < 0x20 || c >= 0x7f ? String.format("\\%03o", c) : null;
        };
        if (escape == null) {
            out.write(c);
        } else {
            out.writeBytes(escape.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kept end of a stream, and the comparison of it with the engine's tail. */
class ByteTailTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteTail tail(int capacity, String... writes) {
        ByteTail tail = new ByteTail(capacity);
        for (String w : writes) {
            tail.add(b("__" + w), 2, w.length());
        }
        return tail;
    }

    @Test
    void keepsTheLastBytesAcrossWrites() {
        assertArrayEquals(b("o world!"), tail(8, "hello ", "world!").bytes());
        assertArrayEquals(b("efgh"), tail(4, "abcdefgh").bytes(), "one write longer than the ring");
        assertArrayEquals(b("ghij"), tail(4, "abcdefgh", "ij").bytes());
        assertFalse(tail(8, "1234567").full());
        assertTrue(tail(8, "1234", "5678").full());
    }

    @Test
    void theEndMatchesTheEnginesTailIgnoringWhereItPutLineBreaks() {
        ByteTail streamed = tail(64, "1 aaaa\n2 bbbb\n", "3 cccc\n");
        assertTrue(LogReconciler.endsWith(streamed, b("2 bbbb\n3 cccc\n")));
        assertTrue(LogReconciler.endsWith(streamed, b("")));
        // Podman 4.3's tail of split lines: same bytes, a line break moved.
        assertTrue(LogReconciler.endsWith(streamed, b("2 bbbb3 cc\ncc\n")));
        assertFalse(LogReconciler.endsWith(streamed, b("2 bbbb\n3 ccc\n")), "a lost byte");
        assertFalse(LogReconciler.endsWith(streamed, b("3 cccc\n4 dddd\n")), "a lost last line");
    }

    @Test
    void aTailLongerThanTheRingIsComparedOnTheRingOnlyWhenTheStreamWasThatLong() {
        assertTrue(LogReconciler.endsWith(tail(4, "0123456789"), b("3456789")));
        assertFalse(LogReconciler.endsWith(tail(4, "0123456789"), b("34567x9")));
        assertFalse(LogReconciler.endsWith(tail(8, "789"), b("456789")), "the stream lost the start of the engine's tail");
        assertTrue(LogReconciler.endsWith(tail(8, "789"), b("789")));
    }
}

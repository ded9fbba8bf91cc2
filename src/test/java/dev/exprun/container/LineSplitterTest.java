package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    @Test
    void linesAcrossChunksAndTheLastLineWithoutNewline() {
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(false, (err, l) -> lines.add(l));
        byte[] a = "one\ntw".getBytes(StandardCharsets.UTF_8);
        byte[] b = "o\r\nthree".getBytes(StandardCharsets.UTF_8);
        s.feed(a, 0, a.length);
        s.feed(b, 0, b.length);
        assertEquals(List.of("one", "two"), lines);
        s.flush();
        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void binaryBytesAndVeryLongLinesDoNotBreakIt() {
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(true, (err, l) -> lines.add(l));
        byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, '\n'};
        s.feed(binary, 0, binary.length);
        byte[] longLine = new byte[LineSplitter.DISPLAY_LIMIT + 100];
        java.util.Arrays.fill(longLine, (byte) 'x');
        s.feed(longLine, 0, longLine.length);
        s.feed(new byte[] {'\n'}, 0, 1);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).endsWith("[... 100 more bytes in the raw log]"), lines.get(1).substring(LineSplitter.DISPLAY_LIMIT));
    }
}

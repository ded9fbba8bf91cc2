package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The body framing of the unix-socket transport; the engine tests cover it against a real engine. */
class UnixSocketHttpClientTest {
    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunkedBodiesWithExtensionsEndAtTheLastChunk() throws IOException {
        InputStream in = new UnixSocketHttpClient.ChunkedInputStream(
                bytes("4\r\nWiki\r\n5;name=x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\nTRAILING"));
        assertEquals("Wikipedia in\r\n\r\nchunks.", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        assertEquals(-1, in.read());
    }

    @Test
    void aConnectionCutInsideAChunkIsAnError() {
        InputStream in = new UnixSocketHttpClient.ChunkedInputStream(bytes("A\r\nshort"));
        assertThrows(IOException.class, in::readAllBytes);
    }

    @Test
    void contentLengthBoundsTheBody() throws IOException {
        InputStream in = new UnixSocketHttpClient.BoundedInputStream(bytes("hello, and more"), 5);
        assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void headerLinesEndWithCrLfOrLf() throws IOException {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nA: b\n\r\n");
        assertEquals("HTTP/1.1 200 OK", UnixSocketHttpClient.readLine(in));
        assertEquals("A: b", UnixSocketHttpClient.readLine(in));
        assertEquals("", UnixSocketHttpClient.readLine(in));
        assertThrows(IOException.class, () -> UnixSocketHttpClient.readLine(in));
    }
}

package dev.exprun.container;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over the engine's unix socket with the JDK's own unix-domain channels, one connection
 * per request. The general transports initialise TLS and a public-suffix list even for a local
 * socket, which cost over a second of every build (measured); a local socket needs none of that.
 * tcp:// and TLS engines keep docker-java's zerodep transport. A hijacked stream (attach with stdin, for
 * exp:shell) upgrades the connection to a raw one, as {@code docker run -i} does: what the input gives goes to
 * the engine as it comes, and its end half-closes the connection, which is the container's end of input.
 */
final class UnixSocketHttpClient implements DockerHttpClient {
    private final UnixDomainSocketAddress address;

    UnixSocketHttpClient(Path socket) {
        this.address = UnixDomainSocketAddress.of(socket);
    }

    @Override
    public Response execute(Request request) {
        if (request.hijackedInput() != null) {
            return hijacked(request);
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address);
            writeRequest(request, new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 14));
            return readResponse(channel, new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot talk to the engine at " + address.getPath() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * The request with {@code Upgrade: tcp}; after the engine's 101 the connection carries the container's input one way
     * and its output the other. Reads and writes go straight to the channel (not through {@link Channels}' streams, which
     * hold one lock for both and so would block the input while the output waits).
     */
    private Response hijacked(Request request) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address);
            SocketChannel connected = channel;
            OutputStream out = new BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        connected.write(buffer);
                    }
                }
            }, 1 << 14);
            writeRequest(request, out, true);
            InputStream in = new BufferedInputStream(new InputStream() {
                @Override
                public int read() throws IOException {
                    return readOne(this);
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : connected.read(java.nio.ByteBuffer.wrap(b, off, len));
                }
            }, 1 << 16);
            Response response = readResponse(channel, in);
            if (response.getStatusCode() != 101 && response.getStatusCode() != 200) {
                return response; // refused: docker-java reads the engine's message off the body
            }
            pumpInput(request.hijackedInput(), out, channel);
            // docker-java takes only 2xx as success; 101 Switching Protocols is this request's success.
            return new SocketResponse(200, response.getHeaders(), in, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot talk to the engine at " + address.getPath() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Copies the input to the engine as it comes; its end closes our side for writing (the container's stdin ends). */
    private static void pumpInput(InputStream input, OutputStream out, SocketChannel channel) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[1 << 14];
            try {
                int n;
                while ((n = input.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                out.flush();
                channel.shutdownOutput();
            } catch (IOException e) {
                // The container ended (or the connection went) while input was still coming: nothing left to give it to.
            }
        }, "exprun-stdin");
        pump.setDaemon(true);
        pump.start();
    }

    private static void writeRequest(Request request, OutputStream out) throws IOException {
        writeRequest(request, out, false);
    }

    private static void writeRequest(Request request, OutputStream out, boolean upgrade) throws IOException {
        byte[] body = request.bodyBytes();
        InputStream bodyStream = body == null ? request.body() : null;
        StringBuilder head = new StringBuilder();
        head.append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n");
        head.append(upgrade ? "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" : "Host: docker\r\nConnection: close\r\n");
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        } else if (bodyStream != null) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        } else if (bodyStream != null) {
            byte[] buffer = new byte[1 << 14];
            int n;
            while ((n = bodyStream.read(buffer)) > 0) {
                out.write(Integer.toHexString(n).getBytes(StandardCharsets.US_ASCII));
                out.write(CRLF);
                out.write(buffer, 0, n);
                out.write(CRLF);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** InputStream.read() for streams that read in blocks. */
    static int readOne(InputStream in) throws IOException {
        byte[] one = new byte[1];
        return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    private static Response readResponse(SocketChannel channel, InputStream in) throws IOException {
        String status = readLine(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
        }
        InputStream body;
        String encoding = first(headers, "Transfer-Encoding");
        String length = first(headers, "Content-Length");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = new ChunkedInputStream(in);
        } else if (length != null) {
            body = new BoundedInputStream(in, Long.parseLong(length));
        } else {
            body = in; // Connection: close delimits the body
        }
        return new SocketResponse(code, headers, body, channel);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("the engine closed the connection");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
        }
    }

    @Override
    public void close() {
        // No pooled connections: each response closes its own.
    }

    private record SocketResponse(int code, Map<String, List<String>> headerMap, InputStream body, SocketChannel channel)
            implements Response {
        @Override
        public int getStatusCode() {
            return code;
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            return headerMap;
        }

        @Override
        public InputStream getBody() {
            return body;
        }

        @Override
        public void close() {
            // Closing the channel also wakes a reader blocked on a follow stream.
            closeQuietly(channel);
        }
    }

    /** Reads a chunked body; end of the last chunk is end of stream. */
    static final class ChunkedInputStream extends FilterInputStream {
        private long left;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            super(in);
        }

        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size.isEmpty()) {
                    size = readLine(in); // the CRLF after the previous chunk's data
                }
                int semicolon = size.indexOf(';');
                left = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (left == 0) {
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the engine closed the connection inside a chunk");
            }
            left -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return done ? 0 : (int) Math.min(left, in.available());
        }
    }

    /** A body of a known length. */
    static final class BoundedInputStream extends FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(left, in.available());
        }
    }
}

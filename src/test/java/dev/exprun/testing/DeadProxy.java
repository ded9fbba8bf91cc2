package dev.exprun.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP proxy that forwards nothing: it records each connection's request line ({@code CONNECT host:443 HTTP/1.1},
 * {@code GET http://...}) and hangs up. A browser pointed at it can reach no network, and every attempt is on record.
 */
public final class DeadProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> connections = new ArrayList<>();

    public DeadProxy() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the dead proxy's port", e);
        }
        Thread acceptor = new Thread(this::accept, "dead-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request line of every connection so far, oldest first. */
    public List<String> connections() {
        synchronized (connections) {
            return List.copyOf(connections);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                // Recorded before reading: a client that connects and sends nothing still counts.
                int index;
                synchronized (connections) {
                    index = connections.size();
                    connections.add("(a connection that sent no request line)");
                }
                // One client at a time: a browser sends its request line at once, so the timeout only bounds a mute one.
                client.setSoTimeout(2_000);
                String line = requestLine(client.getInputStream());
                if (!line.isEmpty()) {
                    synchronized (connections) {
                        connections.set(index, line);
                    }
                }
            } catch (IOException e) {
                // closed by close(), or a client that went away: either way nothing more to record here
            }
        }
    }

    private static String requestLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int c = in.read(); c >= 0 && c != '\n' && line.size() < 300; c = in.read()) {
                line.write(c);
            }
        } catch (IOException e) {
            // what arrived before the timeout is the record
        }
        return line.toString(StandardCharsets.ISO_8859_1).trim();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

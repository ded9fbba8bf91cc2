package dev.exprun.workbench;

import dev.exprun.container.AttachedContainer;
import dev.exprun.core.ExpFailure;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.regex.Pattern;

/**
 * Where exp:notebook publishes Jupyter on the host: bindAddress:port, to port 8888 in the container. Loopback by default,
 * so that the notebook (code execution as the container's user) is not open to the network unless asked for.
 */
public record NotebookAddress(String bindAddress, int port) {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8888;
    /** Jupyter's own port inside the container; only the host side is configurable. */
    static final int CONTAINER_PORT = 8888;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** Checks both values; the engine would take a host name or port 0 and do something else than asked. */
    public NotebookAddress {
        if (port < 1 || port > 65535) {
            throw new ExpFailure("port " + port + " is not a TCP port (1 to 65535).", "set <port> (-Dexp.port) to a free port, e.g. 8888");
        }
        if (bindAddress == null || !IP_LITERAL.matcher(bindAddress.trim()).matches()) {
            throw new ExpFailure("bindAddress '" + bindAddress + "' is not an IP address.",
                    "set <bindAddress> (-Dexp.bindAddress) to 127.0.0.1 (this machine only, the default), 0.0.0.0 (every "
                            + "interface) or one of this machine's addresses");
        }
        bindAddress = bindAddress.trim();
    }

    AttachedContainer.Published published() {
        return new AttachedContainer.Published(CONTAINER_PORT, bindAddress, port);
    }

    /**
     * The URL to open: on a wildcard address, through loopback (which it includes). The file tree's own path, not /: there
     * Jupyter answers 200 and logs nothing, where / redirects and logs the redirect (at INFO) with the token in it.
     */
    String url(String token) {
        String host = switch (bindAddress) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> bindAddress.contains(":") && !bindAddress.startsWith("[") ? "[" + bindAddress + "]" : bindAddress;
        };
        return "http://" + host + ":" + port + "/tree?token=" + token;
    }

    boolean wildcard() {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") || bindAddress.equals("[::]");
    }

    /**
     * Fails when something on this machine already listens there: the engines' own errors for it differ and come late.
     * Only meaningful where the engine's published ports are this machine's (a local socket), which the caller decides.
     */
    void requireFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(bindAddress.replace("[", "").replace("]", "")), port));
        } catch (BindException e) {
            throw new ExpFailure("Port " + port + " on " + bindAddress + " is already in use (" + e.getMessage() + ").",
                    "stop what listens there, or set <port> (-Dexp.port) to another, e.g. -Dexp.port=" + (port == 65535 ? 8889 : port + 1));
        } catch (IOException e) {
            // Not ours to judge (an address of another machine, no IPv6 here): the engine has the last word.
        }
    }
}

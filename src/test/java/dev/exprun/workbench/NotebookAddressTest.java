package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.AttachedContainer;
import dev.exprun.core.ExpFailure;
import org.junit.jupiter.api.Test;

class NotebookAddressTest {
    @Test
    void theUrlOpensThroughTheBoundAddressOrLoopbackForAWildcard() {
        assertEquals("http://127.0.0.1:8888/tree?token=t", new NotebookAddress("127.0.0.1", 8888).url("t"));
        assertEquals("http://127.0.0.1:9000/tree?token=t", new NotebookAddress("0.0.0.0", 9000).url("t"));
        assertEquals("http://[::1]:8888/tree?token=t", new NotebookAddress("::1", 8888).url("t"));
        assertEquals("http://[::1]:8888/tree?token=t", new NotebookAddress("::", 8888).url("t"));
        assertEquals("http://10.1.2.3:8888/tree?token=t", new NotebookAddress(" 10.1.2.3 ", 8888).url("t"));
    }

    @Test
    void thePublishedPortIsJupytersOwnInsideTheContainer() {
        assertEquals(new AttachedContainer.Published(8888, "127.0.0.1", 9999), new NotebookAddress("127.0.0.1", 9999).published());
    }

    @Test
    void aHostNameOrABadPortIsRefusedNamingTheProperty() {
        ExpFailure host = assertThrows(ExpFailure.class, () -> new NotebookAddress("localhost", 8888));
        assertEquals("bindAddress 'localhost' is not an IP address.", host.getMessage());
        assertTrue(host.fix().contains("-Dexp.bindAddress"), host.fix());
        ExpFailure port = assertThrows(ExpFailure.class, () -> new NotebookAddress("127.0.0.1", 0));
        assertEquals("port 0 is not a TCP port (1 to 65535).", port.getMessage());
        assertTrue(port.fix().contains("-Dexp.port"), port.fix());
    }

    @Test
    void tokensAreFresh48HexDigits() {
        String a = NotebookSession.newToken();
        assertTrue(a.matches("[0-9a-f]{48}"), a);
        assertTrue(!a.equals(NotebookSession.newToken()));
    }
}

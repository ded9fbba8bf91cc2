package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void parsesTheForms() {
        ImageReference hub = ImageReference.parse("pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime");
        assertNull(hub.registry());
        assertEquals("docker.io", hub.registryHost());
        assertEquals("pytorch/pytorch", hub.repository());
        assertEquals("2.8.0-cuda12.8-cudnn9-runtime", hub.tag());
        assertFalse(hub.pinned());

        ImageReference pinned = ImageReference.parse("127.0.0.1:5000/exp-test/tiny:1@" + DIGEST);
        assertEquals("127.0.0.1:5000", pinned.registryHost());
        assertEquals("exp-test/tiny", pinned.repository());
        assertTrue(pinned.pinned());
        assertEquals("127.0.0.1:5000/exp-test/tiny@" + DIGEST, pinned.pullReference());

        assertEquals("localhost/exp-test/tiny:latest", ImageReference.parse("localhost/exp-test/tiny").pullReference());
    }

    @Test
    void refusesBadReferencesNamingThem() {
        ExpError e = assertThrows(ExpError.class, () -> ImageReference.parse("x/y@sha256:abc"));
        assertTrue(e.getMessage().contains("x/y@sha256:abc"), e.getMessage());
        assertThrows(ExpError.class, () -> ImageReference.parse("Upper/Case:1"));
        assertThrows(ExpError.class, () -> ImageReference.parse(""));
        assertThrows(ExpError.class, () -> ImageReference.parse("x:bad tag"));
    }

    @Test
    void repoDigestNamesCompareAcrossDockerAndPodman() {
        assertEquals(ImageResolver.normalize("docker.io/library/python"), ImageResolver.normalize("python"));
        assertEquals(ImageResolver.normalize("docker.io/pytorch/pytorch"), ImageResolver.normalize("pytorch/pytorch"));
    }
}

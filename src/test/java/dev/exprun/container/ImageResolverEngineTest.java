package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.TestEngine;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pull policies, digests and registry logins against a real engine and real registries on loopback. */
class ImageResolverEngineTest {
    private static EngineConnection engine;

    @BeforeAll
    static void connect() {
        engine = TestEngine.open();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static ResolvedImage resolve(String ref, PullPolicy policy, Map<String, RegistryCredentials> creds) {
        return new ImageResolver(engine, new CapturingLog(), creds).resolve(ImageReference.parse(ref), policy);
    }

    @Test
    void theEngineIsDescribed() {
        assertTrue(engine.info().name().equals("podman") || engine.info().name().equals("docker"));
        assertTrue(engine.info().apiVersion().startsWith("1."));
    }

    @Test
    void aLocalImageResolvesToItsDigestAndId() {
        ResolvedImage image = resolve(TestEngine.TINY, PullPolicy.NEVER, Map.of());
        String id = TestEngine.docker("image", "inspect", "--format", "{{.Id}}", TestEngine.TINY);
        assertEquals(id.startsWith("sha256:") ? id : "sha256:" + id, image.imageId());
        assertTrue(image.digest().startsWith("sha256:"));
    }

    @Test
    void pullingByDigestFromARegistryRecordsThatDigest() {
        String tagged = TestEngine.REGISTRY + "/exp-test/tiny:1";
        ResolvedImage first = resolve(tagged, PullPolicy.ALWAYS, Map.of());
        assertEquals(ResolvedImage.REPO_DIGEST, first.digestSource());
        String pinned = TestEngine.REGISTRY + "/exp-test/tiny@" + first.digest();
        CapturingLog log = new CapturingLog();
        ResolvedImage byDigest = new ImageResolver(engine, log, Map.of()).resolve(ImageReference.parse(pinned), PullPolicy.ALWAYS);
        assertEquals(first.digest(), byDigest.digest());
        assertEquals(first.imageId(), byDigest.imageId());
        assertTrue(log.contains("Pulling " + pinned), log.lines().toString());
        long progress = log.lines().stream().filter(l -> l.startsWith("INFO   ")).count();
        assertTrue(progress >= 1 && progress < 20, "one line per layer state change, not a flood: " + log.lines());
    }

    private static String tinyId() {
        String id = TestEngine.docker("image", "inspect", "--format", "{{.Id}}", TestEngine.TINY);
        return id.startsWith("sha256:") ? id : "sha256:" + id;
    }

    @Test
    void anImageIdPinsALocalImage() {
        ResolvedImage image = resolve(tinyId(), PullPolicy.MISSING, Map.of());
        assertEquals(tinyId(), image.imageId());
        assertEquals(tinyId(), image.digest());
        assertEquals(ResolvedImage.IMAGE_ID, image.digestSource());
        assertTrue(image.reference().pinned() && image.reference().byImageId());
        ExpError always = assertThrows(ExpError.class, () -> resolve(tinyId(), PullPolicy.ALWAYS, Map.of()));
        assertTrue(always.getMessage().contains("is an image id, which cannot be pulled"), always.getMessage());
    }

    @Test
    void anImageIdTheEngineDoesNotHaveIsRefusedWithoutAPull() {
        String absent = "sha256:" + "1".repeat(64);
        ExpError e = assertThrows(ExpError.class, () -> resolve(absent, PullPolicy.MISSING, Map.of()));
        assertTrue(e.getMessage().startsWith("The image id " + absent + " is not in the engine at "), e.getMessage());
        assertTrue(e.fix().contains("docker load"), e.fix());
    }

    /** Neither engine resolves name@sha256:<image id>; before the fix Docker tried to pull it and failed with a registry error. */
    @Test
    void aNamePinnedToAnImageIdIsRefusedWithTheFixInsteadOfPulled() {
        String ref = TestEngine.TINY.replace(":1", "") + "@" + tinyId();
        for (PullPolicy policy : new PullPolicy[] {PullPolicy.MISSING, PullPolicy.NEVER}) {
            CapturingLog log = new CapturingLog();
            ExpError e = assertThrows(ExpError.class, () -> new ImageResolver(engine, log, Map.of()).resolve(ImageReference.parse(ref), policy));
            assertEquals("The image " + ref + " is pinned to " + tinyId() + ", which is the id of a local image (never pushed, so it has no "
                    + "registry digest), not a digest the engine can confirm for localhost/exp-test/tiny.", e.getMessage());
            assertTrue(e.fix().startsWith("pin it by image id: <image>" + tinyId() + "</image>"), e.fix());
            assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("INFO Pulling")), "nothing is pulled: " + log.lines());
        }
    }

    @Test
    void neverPullingAMissingImageSaysHowToFixIt() {
        ExpError e = assertThrows(ExpError.class, () -> resolve("localhost/exp-test/absent:9", PullPolicy.NEVER, Map.of()));
        assertTrue(e.getMessage().contains("localhost/exp-test/absent:9"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.pull=missing"), e.fix());
    }

    @Test
    void anUnknownDigestFailsTheBuildWithTheReference() {
        String ref = TestEngine.REGISTRY + "/exp-test/tiny@sha256:" + "0".repeat(64);
        ExpError e = assertThrows(ExpError.class, () -> resolve(ref, PullPolicy.MISSING, Map.of()));
        assertTrue(e.getMessage().startsWith("Cannot pull " + ref), e.getMessage());
    }

    @Test
    void aPrivateRegistryNeedsTheSettingsServerAndNeverShowsThePassword() {
        String ref = TestEngine.AUTH_REGISTRY + "/exp-test/private:1";
        ExpError e = assertThrows(ExpError.class, () -> resolve(ref, PullPolicy.ALWAYS, Map.of()));
        assertTrue(e.fix().contains("<server> with id " + TestEngine.AUTH_REGISTRY), e.fix());

        RegistryCredentials creds = new RegistryCredentials(TestEngine.AUTH_USER, TestEngine.AUTH_PASSWORD, "test");
        CapturingLog log = new CapturingLog();
        ResolvedImage image = new ImageResolver(engine, log, Map.of(TestEngine.AUTH_REGISTRY, creds))
                .resolve(ImageReference.parse(ref), PullPolicy.ALWAYS);
        assertTrue(image.digest().startsWith("sha256:"));
        assertTrue(log.lines().stream().noneMatch(l -> l.contains(TestEngine.AUTH_PASSWORD)));
        assertTrue(!creds.toString().contains(TestEngine.AUTH_PASSWORD));
    }

    @Test
    void withoutASettingsServerTheDockerConfigLoginIsUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dockerConfig)
            throws Exception {
        String auth = java.util.Base64.getEncoder().encodeToString(
                (TestEngine.AUTH_USER + ":" + TestEngine.AUTH_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(dockerConfig.resolve("config.json"),
                "{\"auths\": {\"" + TestEngine.AUTH_REGISTRY + "\": {\"auth\": \"" + auth + "\"}}}");
        try (EngineConnection withLogin = EngineConnection.open(TestEngine.host(), Map.of("DOCKER_CONFIG", dockerConfig.toString()))) {
            ResolvedImage image = new ImageResolver(withLogin, new CapturingLog(), Map.of())
                    .resolve(ImageReference.parse(TestEngine.AUTH_REGISTRY + "/exp-test/private:1"), PullPolicy.ALWAYS);
            assertEquals(ResolvedImage.REPO_DIGEST, image.digestSource());
        }
    }

    @Test
    void anUnreachableEngineIsOneClearError() {
        ExpError e = assertThrows(ExpError.class, () -> EngineConnection.open("unix:///run/exp-no-such-engine.sock", Map.of()));
        assertTrue(e.getMessage().startsWith("The container engine at unix:///run/exp-no-such-engine.sock, chosen by <dockerHost>, does not answer: no such socket"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.dockerHost"), e.fix());
    }
}

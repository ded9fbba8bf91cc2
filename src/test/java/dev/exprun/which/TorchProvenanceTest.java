package dev.exprun.which;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.exprun.artifacts.Sha256;
import dev.exprun.record.RecordJson;
import dev.exprun.testing.Cmd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provenance read from real torch.save files (made by exprun.save inside the PyTorch image, see
 * src/test/resources/dev/exprun/which/README.md), their sidecars, and safetensors headers.
 */
class TorchProvenanceTest {
    static final Path FIXTURES = Path.of("src/test/resources/dev/exprun/which");
    /** What the malicious fixtures' payload (os.system("touch ...")) would create. */
    static final Path PWNED = Path.of("/tmp/exprun-which-pwned");
    private static final List<String> TORCH_FIXTURES = List.of("checkpoint.pt", "state_dict.pt", "legacy.pt", "malicious.pt",
            "malicious_toplevel.pt");
    private static final String RUN_ID = "20260301-101500-000-1a2b3c4d";

    @TempDir
    Path tmp;

    /** The fixture alone, as a file copied away from its sidecar. */
    private Path copy(String name) throws IOException {
        return Files.copy(FIXTURES.resolve(name), tmp.resolve(name));
    }

    private Path copyWithSidecar(String name) throws IOException {
        Files.copy(FIXTURES.resolve(name + TorchProvenance.SIDECAR_SUFFIX), tmp.resolve(name + TorchProvenance.SIDECAR_SUFFIX));
        return copy(name);
    }

    /** What provenance() returned in the saving process: the sidecar less its own keys. */
    private static JsonNode savedProvenance(String name) throws IOException {
        ObjectNode side = (ObjectNode) RecordJson.MAPPER.readTree(FIXTURES.resolve(name + TorchProvenance.SIDECAR_SUFFIX).toFile());
        side.remove(List.of("file", "sha256", "size"));
        return side;
    }

    @Test
    void aDictCheckpointCarriesItsProvenanceInsideThePickle() throws Exception {
        ProvenanceLookup lookup = TorchProvenance.lookup(copy("checkpoint.pt"));
        FileProvenance p = lookup.found().orElseThrow(() -> new AssertionError(lookup.reason()));
        assertEquals(FileProvenance.Kind.TORCH_ZIP, p.kind());
        assertTrue(p.where().endsWith("/data.pkl"), p.where());
        assertEquals(RUN_ID, p.runId());
        assertEquals("0123456789abcdef0123456789abcdef01234567", p.commit());
        assertEquals("main", p.branch());
        assertEquals(Boolean.FALSE, p.dirty());
        assertEquals("{\"lr\":0.01,\"epochs\":3,\"arch\":\"linear\"}", p.params().toString());
        assertEquals(savedProvenance("checkpoint.pt"), p.content(), "the pickle holds what the sidecar says");
    }

    @Test
    void theLegacyFormatToo() throws Exception {
        FileProvenance p = TorchProvenance.read(copy("legacy.pt")).orElseThrow();
        assertEquals(FileProvenance.Kind.TORCH_LEGACY, p.kind());
        assertEquals(savedProvenance("legacy.pt"), p.content());
    }

    @Test
    void aValidSidecarComesFirstAsInLoadProvenance() throws Exception {
        FileProvenance p = TorchProvenance.read(copyWithSidecar("checkpoint.pt")).orElseThrow();
        assertEquals(FileProvenance.Kind.SIDECAR, p.kind());
        assertEquals("sidecar checkpoint.pt.provenance.json", p.source());
        assertEquals(Sha256.of(FIXTURES.resolve("checkpoint.pt")), p.content().path("sha256").asText());
    }

    @Test
    void aStateDictHasItsProvenanceInTheSidecarOnly() throws Exception {
        assertEquals(RUN_ID, TorchProvenance.read(copyWithSidecar("state_dict.pt")).orElseThrow().runId());
        Files.delete(tmp.resolve("state_dict.pt.provenance.json"));
        ProvenanceLookup alone = TorchProvenance.lookup(tmp.resolve("state_dict.pt"));
        assertTrue(alone.found().isEmpty());
        assertTrue(alone.reason().startsWith("no sidecar state_dict.pt.provenance.json; torch.save pickle "), alone.reason());
        assertTrue(alone.reason().endsWith("the top-level dict has no \"exprun\" key (a state_dict? exprun.save keeps a "
                + "state_dict's provenance in the sidecar only)"), alone.reason());
    }

    @Test
    void aSidecarForOtherBytesIsIgnoredAsValidSidecarDoes() throws Exception {
        Path file = copy("state_dict.pt");
        Path sidecar = tmp.resolve("state_dict.pt.provenance.json");
        Files.copy(FIXTURES.resolve("checkpoint.pt.provenance.json"), sidecar);
        ProvenanceLookup other = TorchProvenance.lookup(file);
        assertTrue(other.found().isEmpty());
        assertTrue(other.reason().startsWith("sidecar state_dict.pt.provenance.json is for other bytes (its sha256 "
                + Sha256.of(FIXTURES.resolve("checkpoint.pt")) + ", the file's " + Sha256.of(file) + "), ignored"), other.reason());

        ObjectNode wrongSize = (ObjectNode) RecordJson.MAPPER.readTree(FIXTURES.resolve("state_dict.pt.provenance.json").toFile());
        wrongSize.put("size", Files.size(file) + 1);
        Files.writeString(sidecar, wrongSize.toString());
        assertTrue(TorchProvenance.lookup(file).reason().contains("gives size " + (Files.size(file) + 1)));
        wrongSize.remove("size"); // a sidecar without size: sha256 alone decides, as in exprun.py
        Files.writeString(sidecar, wrongSize.toString());
        assertEquals(FileProvenance.Kind.SIDECAR, TorchProvenance.read(file).orElseThrow().kind());
    }

    @Test
    void aMaliciousCheckpointIsReadButNeverRun() throws Exception {
        Files.deleteIfExists(PWNED);
        for (String name : TORCH_FIXTURES) {
            TorchProvenance.lookup(copy(name));
        }
        assertEquals(RUN_ID, TorchProvenance.read(tmp.resolve("malicious.pt")).orElseThrow().runId(),
                "the provenance next to the payload is still read");
        ProvenanceLookup top = TorchProvenance.lookup(tmp.resolve("malicious_toplevel.pt"));
        assertTrue(top.found().isEmpty());
        assertTrue(top.reason().endsWith("the top-level object is posix.system(...), not a dict"), top.reason());
        assertFalse(Files.exists(PWNED), "reading the malicious fixtures ran their payload");

        // Control: a permissive unpickler (what torch.load(weights_only=False) is) runs it.
        Cmd.run(tmp, "python3", "-c", String.join("\n",
                "import io, pickle, sys, zipfile",
                "class P(pickle.Unpickler):",
                "    def find_class(self, module, name):",
                "        return (lambda *a, **k: None) if module.startswith('torch') else super().find_class(module, name)",
                "    def persistent_load(self, pid):",
                "        return None",
                "z = zipfile.ZipFile(sys.argv[1])",
                "P(io.BytesIO(z.read([n for n in z.namelist() if n.endswith('/data.pkl')][0]))).load()"),
                tmp.resolve("malicious.pt").toString());
        try {
            assertTrue(Files.exists(PWNED), "the fixture's payload is live");
        } finally {
            Files.deleteIfExists(PWNED);
        }
    }

    @Test
    void givesWhatExprunPyLoadProvenanceGives() throws Exception {
        Path runtime = Path.of("src/main/resources/dev/exprun/runtime").toAbsolutePath();
        for (String name : TORCH_FIXTURES) {
            for (boolean withSidecar : List.of(false, true)) {
                Path dir = Files.createDirectories(tmp.resolve(name + "-" + withSidecar));
                Path file = Files.copy(FIXTURES.resolve(name), dir.resolve(name));
                Path sidecar = FIXTURES.resolve(name + TorchProvenance.SIDECAR_SUFFIX);
                if (withSidecar && Files.exists(sidecar)) {
                    Files.copy(sidecar, dir.resolve(sidecar.getFileName()));
                }
                String python = Cmd.run(dir, "python3", "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import exprun; "
                        + "print(json.dumps(exprun.load_provenance(sys.argv[2])))", runtime.toString(), file.toString());
                JsonNode ours = TorchProvenance.read(file).map(FileProvenance::content).orElse(RecordJson.MAPPER.nullNode());
                assertEquals(RecordJson.MAPPER.readTree(python), ours, name + (withSidecar ? " with its sidecar" : " alone"));
            }
        }
        assertFalse(Files.exists(PWNED));
    }

    @Test
    void safetensorsCarryItInTheHeaderMetadata() throws Exception {
        String provenance = "{\"run_id\": \"" + RUN_ID + "\", \"commit\": \"abc\", \"params\": {\"lr\": 0.01}}";
        ObjectNode header = RecordJson.MAPPER.createObjectNode();
        header.putObject("__metadata__").put("format", "pt").put("exprun", provenance);
        header.putObject("w").put("dtype", "F32").putArray("shape").add(1);
        ((ObjectNode) header.get("w")).putArray("data_offsets").add(0).add(4);
        Path file = safetensors("model.safetensors", header.toString().getBytes(StandardCharsets.UTF_8), 4);
        FileProvenance p = TorchProvenance.read(file).orElseThrow();
        assertEquals(FileProvenance.Kind.SAFETENSORS, p.kind());
        assertEquals(RUN_ID, p.runId());
        assertEquals("safetensors header __metadata__.exprun", p.source());

        Path plain = safetensors("plain.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.UTF_8), 4);
        ProvenanceLookup none = TorchProvenance.lookup(plain);
        assertEquals("safetensors header: no __metadata__.exprun string; no sidecar plain.safetensors.provenance.json", none.reason());
        Files.writeString(tmp.resolve("plain.safetensors.provenance.json"),
                "{\"run_id\":\"r\",\"sha256\":\"" + Sha256.of(plain) + "\",\"size\":" + Files.size(plain) + "}");
        assertEquals(FileProvenance.Kind.SIDECAR, TorchProvenance.read(plain).orElseThrow().kind(), "then the sidecar");

        Path lying = tmp.resolve("lying.safetensors");
        Files.write(lying, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, '{', '}'});
        assertTrue(TorchProvenance.lookup(lying).reason().startsWith("safetensors header: length 4294967295 does not fit a file of 10 bytes"));
    }

    private Path safetensors(String name, byte[] header, int dataBytes) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(length.array());
            out.write(header);
            out.write(new byte[dataBytes]);
        }
        return file;
    }

    @Test
    void damagedOrForeignFilesHaveNoProvenanceAndSayWhy() throws Exception {
        byte[] checkpoint = Files.readAllBytes(FIXTURES.resolve("checkpoint.pt"));
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        List<Path> files = List.of(
                write("truncated.pt", Arrays.copyOf(checkpoint, 1000)),
                write("random.bin", random),
                write("empty.pt", new byte[0]),
                write("notes.txt", "not a model\n".getBytes(StandardCharsets.UTF_8)),
                write("pickle-cut.pt", new byte[] {(byte) 0x80, 2, '}', 'X', 100, 0, 0, 0, 'a'}),
                zip("no-data.pt", "archive/version"),
                zip("two-data.pt", "a/data.pkl", "b/data.pkl"),
                zip("deep-data.pt", "a/b/data.pkl"));
        for (Path f : files) {
            ProvenanceLookup lookup = TorchProvenance.lookup(f);
            assertTrue(lookup.found().isEmpty(), f.toString());
            assertNotNull(lookup.reason(), f.toString());
        }
        assertTrue(TorchProvenance.lookup(files.get(0)).reason().contains("torch.save pickle: cannot be read ("),
                TorchProvenance.lookup(files.get(0)).reason());
        assertEquals("no sidecar notes.txt.provenance.json; not a torch.save file (neither a zip nor a legacy torch pickle)",
                TorchProvenance.lookup(files.get(3)).reason());
        assertTrue(TorchProvenance.lookup(files.get(6)).reason().endsWith("the zip holds 2 <archive>/data.pkl entries, not one: not a torch.save file"));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    private Path zip(String name, String... entries) throws IOException {
        Path file = tmp.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(new byte[] {(byte) 0x80, 2, '}', 'q', 0, '.'});
                zip.closeEntry();
            }
        }
        return file;
    }
}

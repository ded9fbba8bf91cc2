package dev.exprun.which;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.artifacts.Sha256;
import dev.exprun.record.RecordJson;
import dev.exprun.which.PickleValues.Dict;
import dev.exprun.which.SafePickle.Input;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the provenance {@code exprun.save} leaves with a file, in the order
 * {@code exprun.load_provenance} uses, without executing anything the file holds:
 * <ul>
 * <li>{@code .safetensors}: the header's {@code __metadata__["exprun"]} (a JSON string), else the sidecar;</li>
 * <li>anything else: the sidecar {@code <file>.provenance.json} when its sha256 (and size) match the
 * file, else the {@code "exprun"} entry of the top-level dict in a torch.save pickle (zip or legacy
 * format), read by {@link SafePickle}, which never resolves a class or calls a function.</li>
 * </ul>
 * A file that is damaged, hostile or of another format has no provenance; the lookup says why,
 * it does not throw.
 */
public final class TorchProvenance {
    public static final String SIDECAR_SUFFIX = ".provenance.json";
    /** data.pkl holds the structure only (tensor bytes are other zip entries): tens of KB, rarely MBs. */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** As exprun.py's _MAX_SAFETENSORS_HEADER. */
    static final long MAX_SAFETENSORS_HEADER = 100L << 20;
    /** torch/serialization.py MAGIC_NUMBER, the first pickle of a legacy (pre-zip) torch.save file. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final String KEY = "exprun";

    private TorchProvenance() {
    }

    /** The provenance the file carries, or empty; hashes the file to check a sidecar. */
    public static Optional<FileProvenance> read(Path file) {
        return lookup(file).found();
    }

    public static ProvenanceLookup lookup(Path file) {
        try {
            return lookup(file, Sha256.of(file), Files.size(file));
        } catch (IOException e) {
            return ProvenanceLookup.none("cannot read " + file + ": " + e);
        }
    }

    /** As {@link #lookup(Path)}, with the file's sha256 and size already known (no second hashing). */
    public static ProvenanceLookup lookup(Path file, String sha256, long size) {
        List<ProvenanceLookup> tries = new ArrayList<>();
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            tries.add(fromSafetensors(file));
            if (tries.get(0).found().isEmpty()) {
                tries.add(fromSidecar(file, sha256, size));
            }
        } else {
            tries.add(fromSidecar(file, sha256, size));
            if (tries.get(0).found().isEmpty()) {
                tries.add(fromTorchFile(file));
            }
        }
        return tries.stream().filter(t -> t.found().isPresent()).findFirst()
                .orElseGet(() -> ProvenanceLookup.none(String.join("; ", tries.stream().map(ProvenanceLookup::reason).toList())));
    }

    /** {@code <file>.provenance.json}, valid only when it is a JSON object whose sha256 and size are the file's. */
    public static ProvenanceLookup fromSidecar(Path file, String sha256, long size) {
        Path sidecar = file.resolveSibling(file.getFileName() + SIDECAR_SUFFIX);
        String name = sidecar.getFileName().toString();
        if (!Files.isRegularFile(sidecar)) {
            return ProvenanceLookup.none("no sidecar " + name);
        }
        JsonNode data;
        try {
            data = RecordJson.MAPPER.readTree(sidecar.toFile());
        } catch (IOException e) {
            return ProvenanceLookup.none("sidecar " + name + " is not JSON (" + firstLine(e) + ")");
        }
        if (data == null || !data.isObject()) {
            return ProvenanceLookup.none("sidecar " + name + " does not hold a JSON object");
        }
        String recorded = data.path("sha256").isTextual() ? data.path("sha256").asText() : null;
        if (!sha256.equals(recorded)) {
            return ProvenanceLookup.none("sidecar " + name + " is for other bytes (its sha256 " + recorded
                    + ", the file's " + sha256 + "), ignored");
        }
        JsonNode recordedSize = data.get("size");
        if (recordedSize != null && !(recordedSize.isNumber() && recordedSize.decimalValue().compareTo(BigDecimal.valueOf(size)) == 0)) {
            return ProvenanceLookup.none("sidecar " + name + " gives size " + recordedSize + " but the file has " + size + " bytes, ignored");
        }
        return ProvenanceLookup.of(new FileProvenance(FileProvenance.Kind.SIDECAR, name, data));
    }

    /** The "exprun" entry of a torch.save file's top-level dict: zip format (torch >= 1.6) or legacy. */
    public static ProvenanceLookup fromTorchFile(Path file) {
        try {
            return startsWithZipHeader(file) ? fromZip(file) : fromLegacy(file);
        } catch (IOException | RuntimeException e) {
            // A damaged or hostile file: no provenance, whatever went wrong in reading it.
            return ProvenanceLookup.none("torch.save pickle: cannot be read (" + firstLine(e) + ")");
        }
    }

    private static boolean startsWithZipHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[] {'P', 'K', 3, 4});
        }
    }

    private static ProvenanceLookup fromZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            // As exprun.py: exactly one "<archive>/data.pkl"; the archive folder's name is free.
            List<? extends ZipEntry> pickles = zip.stream()
                    .filter(e -> e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().lastIndexOf('/'))
                    .toList();
            if (pickles.size() != 1) {
                return ProvenanceLookup.none("torch.save pickle: the zip holds " + pickles.size()
                        + " <archive>/data.pkl entries, not one: not a torch.save file");
            }
            ZipEntry entry = pickles.get(0);
            if (entry.getSize() > MAX_PICKLE_BYTES) {
                return ProvenanceLookup.none("torch.save pickle: " + entry.getName() + " is " + entry.getSize()
                        + " bytes, more than the " + MAX_PICKLE_BYTES + " this reader reads");
            }
            long budget = entry.getSize() >= 0 ? entry.getSize() : MAX_PICKLE_BYTES;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
                return fromTopLevel(SafePickle.load(new Input(in, budget)), FileProvenance.Kind.TORCH_ZIP, entry.getName());
            }
        }
    }

    /** Legacy torch.save: four pickles in a row (magic number, protocol version, sys info, the object), then storages. */
    private static ProvenanceLookup fromLegacy(Path file) throws IOException {
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(file))) {
            Input in = new Input(stream, MAX_PICKLE_BYTES);
            Object magic;
            try {
                magic = SafePickle.load(in);
            } catch (IOException | RuntimeException e) {
                return ProvenanceLookup.none("not a torch.save file (neither a zip nor a legacy torch pickle)");
            }
            if (!(magic instanceof BigInteger b && b.equals(LEGACY_MAGIC))) {
                return ProvenanceLookup.none("not a torch.save file (a pickle, but without torch's magic number)");
            }
            SafePickle.load(in); // protocol version
            SafePickle.load(in); // sys info
            return fromTopLevel(SafePickle.load(in), FileProvenance.Kind.TORCH_LEGACY, file.getFileName().toString());
        }
    }

    private static ProvenanceLookup fromTopLevel(Object top, FileProvenance.Kind kind, String where) {
        String what = kind.label() + " " + where;
        if (!(top instanceof Dict dict)) {
            return ProvenanceLookup.none(what + ": the top-level object is " + PickleValues.describe(top) + ", not a dict");
        }
        if (!dict.containsKey(KEY)) {
            return ProvenanceLookup.none(what + ": the top-level dict has no \"exprun\" key (a state_dict? exprun.save "
                    + "keeps a state_dict's provenance in the sidecar only)");
        }
        Object provenance = dict.get(KEY);
        if (!(provenance instanceof Dict)) {
            return ProvenanceLookup.none(what + ": its \"exprun\" entry is " + PickleValues.describe(provenance) + ", not a dict");
        }
        return ProvenanceLookup.of(new FileProvenance(kind, where, PickleValues.toJson(provenance)));
    }

    /** safetensors: 8 bytes little-endian header length, then that much JSON; exprun.save puts a JSON string under __metadata__.exprun. */
    public static ProvenanceLookup fromSafetensors(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            long size = Files.size(file);
            if (head.length < 8) {
                return ProvenanceLookup.none("safetensors header: the file is shorter than 8 bytes");
            }
            long n = 0;
            for (int i = 7; i >= 0; i--) {
                n = (n << 8) | (head[i] & 0xff);
            }
            if (n < 0 || n > MAX_SAFETENSORS_HEADER || n > size - 8) {
                return ProvenanceLookup.none("safetensors header: length " + Long.toUnsignedString(n) + " does not fit a file of "
                        + size + " bytes");
            }
            JsonNode header = RecordJson.MAPPER.readTree(in.readNBytes((int) n));
            if (header == null || !header.isObject()) {
                return ProvenanceLookup.none("safetensors header: not a JSON object");
            }
            JsonNode raw = header.path("__metadata__").path(KEY);
            if (!raw.isTextual()) {
                return ProvenanceLookup.none("safetensors header: no __metadata__.exprun string");
            }
            JsonNode provenance = RecordJson.MAPPER.readTree(raw.asText());
            if (provenance == null || !provenance.isObject()) {
                return ProvenanceLookup.none("safetensors header: __metadata__.exprun is not a JSON object");
            }
            return ProvenanceLookup.of(new FileProvenance(FileProvenance.Kind.SAFETENSORS, "__metadata__.exprun", provenance));
        } catch (IOException | RuntimeException e) {
            return ProvenanceLookup.none("safetensors header: cannot be read (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

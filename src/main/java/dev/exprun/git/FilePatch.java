package dev.exprun.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;

import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;

/**
 * Writes one file's section of the patch, from the HEAD blob to the work tree file, in the format
 * {@code git diff --binary} writes with its default settings (a/ and b/ prefixes, full index lines).
 */
final class FilePatch {
    /** Larger files go out as binary literals, streamed, instead of being held in memory for a text diff. */
    static final int TEXT_LIMIT = 8 << 20;
    /** git's buffer_is_binary: a NUL in the first 8000 bytes. */
    private static final int BINARY_PROBE = 8000;
    private static final DiffAlgorithm ALGORITHM =
            DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM);
    private static final String ZERO = ObjectId.zeroId().name();

    private final OutputStream out;
    private final ObjectReader reader;
    private final DiffFormatter hunks;
    private final ObjectInserter.Formatter ids = new ObjectInserter.Formatter();

    FilePatch(OutputStream out, ObjectReader reader) {
        this.out = out;
        this.reader = reader;
        // Only its hunk writer is used, writing straight to out; no repository is set, so no user diff
        // config (noprefix, mnemonicPrefix, color...) can reach it.
        this.hunks = new DiffFormatter(out);
    }

    /** One side of the change; content is null when the file is too large to hold, absent when the side is. */
    private record Side(FileMode mode, ObjectId id, byte[] content) {
        static final Side ABSENT = new Side(FileMode.MISSING, ObjectId.zeroId(), new byte[0]);

        boolean exists() {
            return mode.getBits() != 0;
        }

        boolean sameMode(Side other) {
            return mode.getBits() == other.mode.getBits();
        }

        boolean binary() {
            if (content == null) {
                return true;
            }
            for (int i = 0, n = Math.min(content.length, BINARY_PROBE); i < n; i++) {
                if (content[i] == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param file the work tree file, or null when it is gone
     * @return false when the file equals HEAD after all (e.g. a staged change undone in the work tree)
     */
    boolean write(byte[] path, FileMode oldMode, ObjectId oldId, FileMode newMode, WorkingTreeIterator file)
            throws IOException {
        Side old = oldMode.getBits() == 0 ? Side.ABSENT : headSide(oldMode, oldId);
        Side now = file == null ? Side.ABSENT : workTreeSide(newMode, file);
        if (old.sameMode(now) && old.id().equals(now.id())) {
            return false;
        }
        header(path, old, now);
        if (!old.id().equals(now.id())) {
            if (old.binary() || now.binary()) {
                binary(now, file);
            } else {
                text(path, old, now);
            }
        }
        return true;
    }

    private Side headSide(FileMode mode, ObjectId id) throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        byte[] content = loader.getSize() <= TEXT_LIMIT ? loader.getCachedBytes(TEXT_LIMIT) : null;
        return new Side(mode, id, content);
    }

    private Side workTreeSide(FileMode mode, WorkingTreeIterator file) throws IOException {
        if (file.getEntryContentLength() > TEXT_LIMIT) {
            // Hashed by streaming (or taken from the index when its stat data says the file is unchanged).
            return new Side(mode, file.getEntryObjectId(), null);
        }
        byte[] content;
        try (InputStream in = file.openEntryStream()) {
            content = in.readAllBytes();
        }
        // The id of exactly the bytes written, so the index line and the content can never disagree.
        return new Side(mode, ids.idFor(Constants.OBJ_BLOB, content), content);
    }

    private void header(byte[] path, Side old, Side now) throws IOException {
        line("diff --git ", PatchPath.of("a/", path), " ", PatchPath.of("b/", path));
        String index = old.id().name() + ".." + now.id().name();
        if (!old.exists()) {
            ascii("new file mode " + octal(now.mode()) + "\n");
            ascii("index " + ZERO + ".." + now.id().name() + "\n");
        } else if (!now.exists()) {
            ascii("deleted file mode " + octal(old.mode()) + "\n");
            ascii("index " + old.id().name() + ".." + ZERO + "\n");
        } else if (!old.sameMode(now)) {
            ascii("old mode " + octal(old.mode()) + "\nnew mode " + octal(now.mode()) + "\n");
            if (!old.id().equals(now.id())) {
                ascii("index " + index + "\n");
            }
        } else {
            ascii("index " + index + " " + octal(now.mode()) + "\n");
        }
    }

    private void text(byte[] path, Side old, Side now) throws IOException {
        RawText a = new RawText(old.content());
        RawText b = new RawText(now.content());
        EditList edits = ALGORITHM.diff(RawTextComparator.DEFAULT, a, b);
        if (edits.isEmpty()) {
            return; // an empty file created or deleted: the header says it all
        }
        fileLine("--- ", old.exists() ? PatchPath.of("a/", path) : null, path);
        fileLine("+++ ", now.exists() ? PatchPath.of("b/", path) : null, path);
        hunks.format(edits, a, b);
    }

    private void binary(Side now, WorkingTreeIterator file) throws IOException {
        ascii("GIT binary patch\n");
        if (now.content() != null) {
            BinaryLiteral.write(out, now.content().length, new ByteArrayInputStream(now.content()));
            return;
        }
        long size = file.getEntryContentLength();
        MessageDigest sha1 = Constants.newMessageDigest();
        sha1.update(Constants.encodedTypeString(Constants.OBJ_BLOB));
        sha1.update((" " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        long read;
        try (InputStream in = new DigestInputStream(file.openEntryStream(), sha1)) {
            read = BinaryLiteral.write(out, size, in);
        }
        if (read != size || !ObjectId.fromRaw(sha1.digest()).equals(now.id())) {
            throw new IOException("the file changed while the patch was written");
        }
    }

    private void fileLine(String marker, byte[] name, byte[] path) throws IOException {
        if (name == null) {
            ascii(marker + "/dev/null\n");
            return;
        }
        // git ends a name holding a space with a TAB, so that patch tools can tell where it ends.
        line(marker, name, PatchPath.hasSpace(path) ? "\t" : "", null);
    }

    private void line(String lead, byte[] first, String middle, byte[] second) throws IOException {
        ascii(lead);
        out.write(first);
        ascii(middle);
        if (second != null) {
            out.write(second);
        }
        out.write('\n');
    }

    private void ascii(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String octal(FileMode mode) {
        return Integer.toOctalString(mode.getBits());
    }
}

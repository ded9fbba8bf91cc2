package dev.exprun.lease;

import dev.exprun.core.ExpError;
import dev.exprun.lease.GpuLease.DeviceLock;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * The lock files of GPU leases, one per device. Every method runs with GpuLeases' JVM-wide lock held.
 *
 * <p>On Linux the JDK's file locks are POSIX record locks: closing ANY descriptor of a file drops every lock the
 * process holds on it, while the JDK still calls its FileLock valid. So each lock file gets one channel, opened
 * once and kept open, and every read, write and lock of the file goes through it (the FileLock javadoc asks for
 * one channel per file, too).
 *
 * <p>Lock files are never deleted: a build that deleted one could do so just after another build opened it and
 * just before that build locked it, and a third build would then create a new file and lock it too.
 */
final class LockFiles {
    private static final String FIX_DIR = "Make it a writable directory, or set " + GpuLeases.DIR_ENV + " to one.";
    private static final int MAX_HOLDER_BYTES = 64 * 1024;
    private static final Map<Path, OpenFile> CHANNELS = new HashMap<>();

    private record OpenFile(FileChannel channel, Object fileKey) {
    }

    private LockFiles() {
    }

    /**
     * {@code gpu-<id>.lock}, injective over ids: [A-Za-z0-9.-] stay, every other byte (the escape '_' too) becomes
     * {@code _xx}, so GPU UUIDs, MIG ids like 0:1 and CDI names like nvidia.com/gpu=0 all get distinct safe names.
     */
    static String name(String device) {
        StringBuilder s = new StringBuilder("gpu-");
        for (byte b : device.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                s.append(c);
            } else {
                s.append('_').append(HexFormat.of().toHexDigits(b));
            }
        }
        return s.append(".lock").toString();
    }

    /** The device's lock, or null when another build (or another copy of this class in this JVM) holds it. */
    static DeviceLock tryLock(String device, Path file) {
        OpenFile open = channel(file);
        FileLock lock;
        try {
            lock = open.channel().tryLock();
        } catch (OverlappingFileLockException e) {
            // A second copy of these classes (another class loader) in this JVM holds it: busy like any other holder.
            return null;
        } catch (IOException e) {
            throw new ExpError("Cannot lock the GPU lease file " + file + ": " + e, "Put the lease directory on a local file system"
                    + " that supports file locks, or set " + GpuLeases.DIR_ENV + " to one.", e);
        }
        if (lock == null) {
            return null;
        }
        if (!Objects.equals(open.fileKey(), fileKey(file))) {
            // Someone deleted the lock file: this channel locks a file no other build can see. Start over on the new one.
            unlock(new DeviceLock(device, file, open.channel(), lock));
            forget(file);
            return tryLock(device, file);
        }
        return new DeviceLock(device, file, open.channel(), lock);
    }

    private static OpenFile channel(Path file) {
        OpenFile open = CHANNELS.get(file);
        if (open == null) {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                open = new OpenFile(channel, fileKey(file));
            } catch (IOException e) {
                throw new ExpError("Cannot open the GPU lease file " + file + ": " + e, FIX_DIR, e);
            }
            CHANNELS.put(file, open);
        }
        return open;
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static void forget(Path file) {
        OpenFile open = CHANNELS.remove(file);
        try {
            open.channel().close();
        } catch (IOException e) {
            // It locks nothing any more.
        }
    }

    /** Replaces what the file says with info (the holder's JSON line). */
    static void write(DeviceLock lock, byte[] info) {
        try {
            lock.channel().truncate(0);
            ByteBuffer buffer = ByteBuffer.wrap(info);
            long position = 0;
            while (buffer.hasRemaining()) {
                position += lock.channel().write(buffer, position);
            }
        } catch (IOException e) {
            throw new ExpError("Cannot write the GPU lease file " + lock.file() + ": " + e, FIX_DIR, e);
        }
    }

    /** Empties the file before its lock goes, so that no one reads a holder for a free device. */
    static void clear(DeviceLock lock) {
        try {
            lock.channel().truncate(0);
        } catch (IOException e) {
            // The lock goes anyway; the next holder overwrites what is left.
        }
    }

    static void unlock(DeviceLock lock) {
        try {
            lock.lock().release();
        } catch (IOException e) {
            // A channel that cannot release is broken: closing it drops the lock for sure.
            forget(lock.file());
        }
    }

    /** What the holder wrote, or null while it has not (yet); reading needs no lock, advisory locks do not block reads. */
    static LeaseHolder readHolder(Path file) {
        try {
            FileChannel channel = channel(file).channel();
            ByteBuffer buffer = ByteBuffer.allocate(MAX_HOLDER_BYTES);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // read on until the end or the buffer is full
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            String line = newline < 0 ? text : text.substring(0, newline);
            return line.isEmpty() ? null : RecordJson.MAPPER.readValue(line, LeaseHolder.class);
        } catch (IOException e) {
            // Half written or unreadable: the message says the holder is unknown.
            return null;
        }
    }
}

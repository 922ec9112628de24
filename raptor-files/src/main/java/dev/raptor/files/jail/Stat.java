package dev.raptor.files.jail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;

/**
 * What {@code statx(2)} said about one inode (never following a link).
 *
 * @param format   the file type bits ({@code mode & S_IFMT})
 * @param mode     permission bits ({@code mode & 07777})
 * @param created  birth time, or null when the file system does not record it
 */
public record Stat(int format, int mode, long nlink, int uid, int gid, long inode, long device, long size,
                   Instant modified, Instant created) {

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    static Stat read(MemorySegment b) {
        int mask = b.get(I, 0);
        long nlink = Integer.toUnsignedLong(b.get(I, 16));
        int uid = b.get(I, 20);
        int gid = b.get(I, 24);
        int rawMode = Short.toUnsignedInt(b.get(S, 28));
        long ino = b.get(L, 32);
        long size = b.get(L, 40);
        Instant created = (mask & LinuxCalls.STATX_BTIME) != 0 ? time(b, 80) : null;
        Instant modified = time(b, 112);
        long dev = ((long) b.get(I, 136) << 32) | Integer.toUnsignedLong(b.get(I, 140));
        return new Stat(rawMode & LinuxCalls.S_IFMT, rawMode & 07777, nlink, uid, gid, ino, dev, size, modified, created);
    }

    /** Reads only what a disk-usage walk needs, without building a record. */
    static long sizeOf(MemorySegment b) {
        return b.get(L, 40);
    }

    static int formatOf(MemorySegment b) {
        return Short.toUnsignedInt(b.get(S, 28)) & LinuxCalls.S_IFMT;
    }

    static long nlinkOf(MemorySegment b) {
        return Integer.toUnsignedLong(b.get(I, 16));
    }

    static long inodeOf(MemorySegment b) {
        return b.get(L, 32);
    }

    private static Instant time(MemorySegment b, long offset) {
        return Instant.ofEpochSecond(b.get(L, offset), Integer.toUnsignedLong(b.get(I, offset + 8)));
    }

    public boolean isRegular() {
        return format == LinuxCalls.S_IFREG;
    }

    public boolean isDirectory() {
        return format == LinuxCalls.S_IFDIR;
    }

    public boolean isLink() {
        return format == LinuxCalls.S_IFLNK;
    }

    /** A FIFO, socket or device: never opened by the jail. */
    public boolean isSpecial() {
        return !isRegular() && !isDirectory() && !isLink();
    }

    /** What the special file is, for messages and MIME types. */
    public String kind() {
        return switch (format) {
            case LinuxCalls.S_IFREG -> "file";
            case LinuxCalls.S_IFDIR -> "directory";
            case LinuxCalls.S_IFLNK -> "symbolic link";
            case LinuxCalls.S_IFIFO -> "FIFO";
            case LinuxCalls.S_IFSOCK -> "socket";
            case LinuxCalls.S_IFCHR -> "character device";
            case LinuxCalls.S_IFBLK -> "block device";
            default -> "special file";
        };
    }
}

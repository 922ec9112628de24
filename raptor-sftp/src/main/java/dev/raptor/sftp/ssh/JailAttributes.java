package dev.raptor.sftp.ssh;

import dev.raptor.files.FileEntry;
import dev.raptor.files.FileType;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A jail {@link FileEntry} as NIO attributes, and as the attribute map MINA's SFTP code reads. Files are shown as
 * the server's (owner and group {@code server}, ids 0): who owns them on the host is not the user's business.
 */
record JailAttributes(FileEntry entry) implements PosixFileAttributes {
    /** The owner and group files are shown with. */
    record Owner(String getName) implements UserPrincipal, GroupPrincipal {
        @Override
        public String toString() {
            return getName;
        }
    }

    static final Owner SERVER = new Owner("server");
    private static final UserPrincipal OWNER = SERVER;
    private static final GroupPrincipal GROUP = SERVER;
    private static final PosixFilePermission[] BITS = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(BITS[i]);
            }
        }
        return s;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                m |= 1 << i;
            }
        }
        return m;
    }

    /** Every attribute MINA asks of the {@code basic}, {@code posix} and {@code unix} views. */
    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size());
        m.put("isRegularFile", isRegularFile());
        m.put("isDirectory", isDirectory());
        m.put("isSymbolicLink", isSymbolicLink());
        m.put("isOther", isOther());
        m.put("lastModifiedTime", lastModifiedTime());
        m.put("lastAccessTime", lastAccessTime());
        m.put("creationTime", creationTime());
        m.put("fileKey", null);
        m.put("permissions", permissions());
        m.put("owner", OWNER);
        m.put("group", GROUP);
        m.put("uid", 0);
        m.put("gid", 0);
        m.put("mode", typeBits() | (entry.mode() & 07777));
        m.put("nlink", 1);
        return m;
    }

    private int typeBits() {
        return switch (entry.type()) {
            case FILE -> 0100000;
            case DIRECTORY -> 0040000;
            case SYMLINK -> 0120000;
            case OTHER -> 0010000;
        };
    }

    @Override
    public UserPrincipal owner() {
        return OWNER;
    }

    @Override
    public GroupPrincipal group() {
        return GROUP;
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(entry.mode());
    }

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.from(entry.modified() == null ? Instant.EPOCH : entry.modified());
    }

    @Override
    public FileTime lastAccessTime() {
        return lastModifiedTime();
    }

    @Override
    public FileTime creationTime() {
        return entry.created() == null ? lastModifiedTime() : FileTime.from(entry.created());
    }

    @Override
    public boolean isRegularFile() {
        return entry.type() == FileType.FILE;
    }

    @Override
    public boolean isDirectory() {
        return entry.type() == FileType.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return entry.type() == FileType.SYMLINK;
    }

    @Override
    public boolean isOther() {
        return entry.type() == FileType.OTHER;
    }

    @Override
    public long size() {
        return entry.size();
    }

    @Override
    public Object fileKey() {
        return null;
    }
}

package dev.raptor.core.sftp;

import java.util.Locale;

/** What an SFTP/FTP user may do with the server's files (the server's deny and read-only rules apply on top). */
public enum SftpPermission {
    /** List directories, read and download files. */
    READ,
    /** Upload, create directories, rename, change modes and times. */
    WRITE,
    /** Remove files and directories (and replace an existing file by renaming over it). */
    DELETE;

    /** The name in documents and the database: {@code read}, {@code write}, {@code delete}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The permission for {@code read}, {@code write} or {@code delete} (case-insensitive). */
    public static SftpPermission of(String name) {
        for (SftpPermission p : values()) {
            if (p.wireName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("a permission is read, write or delete (was '" + name + "')");
    }
}

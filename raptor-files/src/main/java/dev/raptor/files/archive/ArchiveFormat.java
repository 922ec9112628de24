package dev.raptor.files.archive;

import java.util.Locale;
import java.util.Optional;

/** The archive formats Raptor reads; {@link #writable()} says which it also writes. */
public enum ArchiveFormat {
    ZIP("zip", true, false),
    TAR("tar", true, false),
    TAR_GZ("tar.gz", true, false),
    TAR_BZ2("tar.bz2", false, false),
    TAR_XZ("tar.xz", false, false),
    TAR_ZST("tar.zst", true, false),
    /** One gzip-compressed file ({@code world.dat.gz}). */
    GZ("gz", false, true),
    /** One zstd-compressed file. */
    ZST("zst", false, true),
    /** One bzip2-compressed file. */
    BZ2("bz2", false, true),
    /** One xz-compressed file. */
    XZ("xz", false, true);

    private final String extension;
    private final boolean writable;
    private final boolean single;

    ArchiveFormat(String extension, boolean writable, boolean single) {
        this.extension = extension;
        this.writable = writable;
        this.single = single;
    }

    /** The file name extension without the dot ({@code tar.zst}). */
    public String extension() {
        return extension;
    }

    public boolean writable() {
        return writable;
    }

    /** A single compressed file rather than an archive of entries. */
    public boolean singleFile() {
        return single;
    }

    /** The format named by an API value ({@code zip}, {@code tar.gz}, {@code tgz}, {@code tar.zst}...). */
    public static Optional<ArchiveFormat> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT).strip();
        if (n.equals("tgz")) {
            return Optional.of(TAR_GZ);
        }
        if (n.equals("tzst")) {
            return Optional.of(TAR_ZST);
        }
        for (ArchiveFormat f : values()) {
            if (f.extension.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The format a file name's extension suggests (content decides on extraction). */
    public static Optional<ArchiveFormat> ofFileName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        for (ArchiveFormat f : new ArchiveFormat[]{TAR_GZ, TAR_BZ2, TAR_XZ, TAR_ZST, ZIP, TAR, GZ, ZST, BZ2, XZ}) {
            if (n.endsWith("." + f.extension)) {
                return Optional.of(f);
            }
        }
        if (n.endsWith(".tgz")) {
            return Optional.of(TAR_GZ);
        }
        return Optional.empty();
    }
}

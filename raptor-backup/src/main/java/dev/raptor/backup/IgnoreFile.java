package dev.raptor.backup;

import dev.raptor.files.FileEntry;
import dev.raptor.files.FileType;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.ReadableFile;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.rules.IgnoreRules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A server's {@code .raptorignore}: gitignore patterns in its root naming what backups leave out. It is the server
 * user's file, so it is read through the jail and distrusted: a symbolic link is refused (it could name any file
 * inside the root, or a file that changes under us), and so is anything but a regular file or a file above the
 * size limit.
 */
final class IgnoreFile {
    static final String NAME = ".raptorignore";

    private IgnoreFile() {
    }

    /** The rules of the file and of the request, in that order; the file's absence is no rules. */
    static IgnoreRules rules(ServerFiles files, List<String> requested, int maxBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        String text = read(files, maxBytes);
        if (text != null) {
            lines.add(text);
        }
        lines.addAll(requested);
        return IgnoreRules.of(lines);
    }

    private static String read(ServerFiles files, int maxBytes) throws IOException {
        FileEntry e;
        try {
            e = files.stat("/" + NAME);
        } catch (NotFoundException absent) {
            return null;
        }
        check(files, e, maxBytes);
        try (ReadableFile f = files.openRead("/" + NAME)) {
            check(files, f.entry(), maxBytes); // what was opened, in case it changed since the stat
            try (InputStream in = f.stream()) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new BackupException.BadIgnoreFile(files.serverId(), "is larger than " + maxBytes + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }

    private static void check(ServerFiles files, FileEntry e, int maxBytes) throws BackupException.BadIgnoreFile {
        if (e.type() == FileType.SYMLINK) {
            throw new BackupException.BadIgnoreFile(files.serverId(), "is a symbolic link; Raptor reads only a regular file there");
        }
        if (e.type() != FileType.FILE) {
            throw new BackupException.BadIgnoreFile(files.serverId(), "is a " + e.type().name().toLowerCase(java.util.Locale.ROOT) + ", not a file");
        }
        if (e.size() > maxBytes) {
            throw new BackupException.BadIgnoreFile(files.serverId(), "is " + e.size() + " bytes, more than the " + maxBytes + " allowed");
        }
    }
}

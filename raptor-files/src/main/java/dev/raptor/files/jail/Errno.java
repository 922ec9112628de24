package dev.raptor.files.jail;

import dev.raptor.files.BadPathException;
import dev.raptor.files.ConflictException;
import dev.raptor.files.DeniedException;
import dev.raptor.files.DiskFullException;
import dev.raptor.files.NotADirectoryException;
import dev.raptor.files.NotAFileException;
import dev.raptor.files.NotFoundException;

import java.io.IOException;

/** Turns an {@code errno} into the typed refusal the API maps, or a plain {@link IOException} for real failures. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;
    public static final int EDQUOT = 122;

    private Errno() {
    }

    /**
     * @param errno the positive error number
     * @param op    what was being done, for the message ({@code "open"}, {@code "rename"})
     * @param path  the user's path
     */
    public static IOException toException(int errno, String op, String path) {
        return switch (errno) {
            case ENOENT -> new NotFoundException(path, path + " does not exist");
            case EEXIST -> new ConflictException(path, path + " already exists");
            case ENOTEMPTY -> new ConflictException(path, path + " is a directory that is not empty");
            case ENOTDIR -> new NotADirectoryException(path, path + " is not a directory (or a component on the way is not)");
            case EISDIR -> new NotAFileException(path, path + " is a directory");
            case ELOOP -> new NotAFileException(path, path + " is a symbolic link, which this operation does not follow");
            case EXDEV -> new ConflictException(path, "cannot " + op + " " + path + " across file systems");
            case EINVAL -> new ConflictException(path, "move".equals(op)
                    ? "cannot move " + path + ": a directory cannot move into itself"
                    : "cannot " + op + " " + path + ": it changed while it was being used");
            case EBUSY, ETXTBSY -> new ConflictException(path, path + " is busy");
            case EMLINK -> new ConflictException(path, "cannot " + op + " " + path + ": too many links");
            case ENOSPC, EDQUOT -> new DiskFullException(path, "the disk is full: cannot " + op + " " + path);
            case EFBIG -> new DiskFullException(path, "the file is too large for the file system: " + path);
            case ENAMETOOLONG -> new BadPathException(path, "the name is too long for the file system: " + path);
            case EACCES, EPERM, EROFS -> new DeniedException(path, "the file system refused to " + op + " " + path + " (" + name(errno) + ")");
            default -> new IOException("cannot " + op + " " + path + ": " + name(errno));
        };
    }

    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EIO -> "EIO";
            case EACCES -> "EACCES";
            case EROFS -> "EROFS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }
}

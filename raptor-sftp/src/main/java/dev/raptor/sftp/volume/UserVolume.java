package dev.raptor.sftp.volume;

import dev.raptor.files.DeniedException;
import dev.raptor.files.FileEntry;
import dev.raptor.files.FilesLocks;
import dev.raptor.files.Listing;
import dev.raptor.files.ModeChange;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.OpenDisposition;
import dev.raptor.files.Progress;
import dev.raptor.files.ReadableFile;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.WritableFile;
import dev.raptor.sftp.login.Login;
import dev.raptor.core.sftp.SftpPermission;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One logged-in user's way to their server's files, shared by SFTP and FTP: every operation checks the user's
 * permissions ({@link SftpPermission}), that the server's files are not locked, and then goes through
 * {@link ServerFiles} (the jail, the deny and read-only rules, the quota), so no path reaches anything the file API
 * could not. Changes are written to the server's activity log. Paths are the user's ({@code /plugins/x.jar}).
 * Refusals are {@link dev.raptor.files.FilesException}s; a missing permission is a {@link DeniedException}.
 */
public final class UserVolume {
    private final Login login;
    private final ServerFilesSource source;
    private final FilesLocks locks;
    private final TransferActivity activity;

    public UserVolume(Login login, ServerFilesSource source, FilesLocks locks, TransferActivity activity) {
        this.login = login;
        this.source = source;
        this.locks = locks;
        this.activity = activity;
    }

    public Login login() {
        return login;
    }

    private ServerFiles files() throws IOException {
        locks.requireUnlocked(login.serverId());
        return source.files(login.serverId());
    }

    private ServerFiles files(SftpPermission needed, String path) throws IOException {
        if (!login.user().may(needed)) {
            throw new DeniedException(path, "user " + login.user().username() + " may not "
                    + switch (needed) {
                        case READ -> "read";
                        case WRITE -> "write";
                        case DELETE -> "delete";
                    } + " files (its permissions: " + login.user().permissions().stream()
                    .map(SftpPermission::wireName).sorted().toList() + ")");
        }
        return files();
    }

    private void record(String type, String message, String... facts) {
        activity.record(login.serverId(), type, message,
                TransferActivity.details(login.user().username(), login.protocol().label(), login.address(), facts));
    }

    private String who() {
        return login.user().username() + " (" + login.protocol() + ")";
    }

    // ------------------------------------------------------------------ reading

    /** One entry, a link followed (while inside) or not. Needs no permission: clients stat to find their way. */
    public FileEntry stat(String path, boolean followLinks) throws IOException {
        return files().stat(path, followLinks);
    }

    public Listing list(String dir) throws IOException {
        return files(SftpPermission.READ, dir).list(dir);
    }

    public ReadableFile openRead(String path) throws IOException {
        return files(SftpPermission.READ, path).openRead(path);
    }

    /** A link's target as stored (never followed). */
    public String readLink(String path) throws IOException {
        FileEntry e = files(SftpPermission.READ, path).stat(path, false);
        if (e.linkTarget() == null) {
            throw new NotFoundException(path, path + " is not a symbolic link");
        }
        return e.linkTarget();
    }

    // ------------------------------------------------------------------ writing

    /**
     * Opens a file for writing in place (an upload, a resume, an append). Closing the returned channel finishes it
     * and records an {@code sftp.upload} entry when anything was written.
     */
    public Upload openWrite(String path, OpenDisposition disposition) throws IOException {
        WritableFile w = files(SftpPermission.WRITE, path).openInPlace(path, disposition);
        return new Upload(w, path);
    }

    public void mkdir(String path) throws IOException {
        files(SftpPermission.WRITE, path).mkdir(path);
        record("mkdir", who() + " created the directory " + path, "path", path);
    }

    public void remove(String path, boolean directory) throws IOException {
        files(SftpPermission.DELETE, path).remove(path, directory);
        record("delete", who() + " deleted " + path, "path", path);
    }

    /** Renames; replacing an existing target needs the delete permission too. */
    public void rename(String from, String to, boolean replace) throws IOException {
        ServerFiles f = files(SftpPermission.WRITE, from);
        if (replace && !login.user().may(SftpPermission.DELETE)) {
            replace = false; // without delete, an existing target is a conflict rather than replaced
        }
        f.rename(from, to, replace);
        record("rename", who() + " renamed " + from + " to " + to, "from", from, "to", to);
    }

    public void chmod(String path, int mode) throws IOException {
        files(SftpPermission.WRITE, path).chmod(List.of(new ModeChange(path, mode & 0777)));
        record("chmod", who() + " changed the mode of " + path + " to " + String.format(Locale.ROOT, "%04o", mode & 0777),
                "path", path, "mode", String.format(Locale.ROOT, "%04o", mode & 0777));
    }

    public void setModified(String path, Instant modified) throws IOException {
        files(SftpPermission.WRITE, path).setModified(path, modified);
    }

    /** Cuts a file to {@code size} (SFTP {@code setstat} with a size); growing it is not supported. */
    public void truncate(String path, long size) throws IOException {
        try (WritableFile w = files(SftpPermission.WRITE, path).openInPlace(path, OpenDisposition.OPEN_EXISTING)) {
            if (size < w.size()) {
                w.truncate(size);
            }
        }
    }

    public void symlink(String path, String target) throws IOException {
        files(SftpPermission.WRITE, path).symlink(path, target);
        record("symlink", who() + " linked " + path + " to " + target, "path", path, "target", target);
    }

    public void copy(String from, String to) throws IOException {
        files(SftpPermission.READ, from);
        files(SftpPermission.WRITE, to).copy(from, to, Progress.none());
        record("copy", who() + " copied " + from + " to " + to, "from", from, "to", to);
    }

    /**
     * A file being uploaded: a channel with positions over the jail's {@link WritableFile} (the quota is charged as
     * it grows and a write past it is refused whole). Closing it finishes the upload and records it.
     */
    public final class Upload implements SeekableByteChannel {
        private final WritableFile file;
        private final String path;
        private long written;
        private boolean closed;

        private Upload(WritableFile file, String path) {
            this.file = file;
            this.path = path;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!login.user().may(SftpPermission.READ)) {
                throw new DeniedException(path, "user " + login.user().username() + " may not read files");
            }
            return file.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = file.write(src);
            written += n;
            return n;
        }

        /** Writes at {@code position} (SFTP's writes carry their offset). */
        public int write(ByteBuffer src, long position) throws IOException {
            int n = file.write(src, position);
            written += n;
            return n;
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public Upload position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public Upload truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        public void force() throws IOException {
            file.force();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            long size = file.size();
            file.close();
            if (written > 0) {
                record("upload", who() + " uploaded " + path + " (" + written + " bytes written, " + size + " bytes now)",
                        "path", path, "bytesWritten", Long.toString(written), "size", Long.toString(size));
            }
        }
    }
}

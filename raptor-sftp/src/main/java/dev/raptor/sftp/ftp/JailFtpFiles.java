package dev.raptor.sftp.ftp;

import dev.raptor.files.FileEntry;
import dev.raptor.files.FileType;
import dev.raptor.files.FilesException;
import dev.raptor.files.OpenDisposition;
import dev.raptor.files.ReadableFile;
import dev.raptor.sftp.volume.UserVolume;
import dev.raptor.core.sftp.SftpPermission;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One FTP session's view of its server's files: paths are the user's, resolved against the working directory
 * lexically ({@code ..} stops at {@code /}), and every file operation is a call on the user's {@link UserVolume},
 * so FTP reaches exactly what SFTP and the file API reach. Refusals become FtpServer's failure answers (550 and
 * friends) with nothing of the host in them.
 */
final class JailFtpFiles implements FileSystemView {
    private static final Logger log = LoggerFactory.getLogger(JailFtpFiles.class);

    private final UserVolume volume;
    private String cwd = "/";

    JailFtpFiles(UserVolume volume) {
        this.volume = volume;
    }

    /** {@code path} against {@code base}, normalised: absolute, no {@code .}, {@code ..} never above the root. */
    static String resolve(String base, String path) {
        String joined = path == null || path.isEmpty() ? base : path.startsWith("/") ? path : base + "/" + path;
        List<String> parts = new ArrayList<>();
        for (String p : joined.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(p);
        }
        return "/" + String.join("/", parts);
    }

    @Override
    public FtpFile getHomeDirectory() {
        return new File("/", null);
    }

    @Override
    public FtpFile getWorkingDirectory() {
        return new File(cwd, null);
    }

    @Override
    public boolean changeWorkingDirectory(String dir) {
        String target = resolve(cwd, dir);
        try {
            if (volume.stat(target, true).type() == FileType.DIRECTORY) {
                cwd = target;
                return true;
            }
        } catch (IOException e) {
            log.atDebug().addKeyValue("path", target).addKeyValue("error", e.getMessage()).log("FTP CWD refused");
        }
        return false;
    }

    @Override
    public FtpFile getFile(String file) {
        return new File(resolve(cwd, file), null);
    }

    @Override
    public boolean isRandomAccessible() {
        return true;
    }

    @Override
    public void dispose() {
    }

    /** A path of the session; an entry a listing produced carries what the listing read. */
    private final class File implements FtpFile {
        private final String path;
        private FileEntry entry;
        private boolean looked;

        File(String path, FileEntry listed) {
            this.path = path;
            this.entry = listed;
            this.looked = listed != null;
        }

        private FileEntry entry() {
            if (!looked) {
                looked = true;
                try {
                    entry = volume.stat(path, true);
                } catch (IOException e) {
                    entry = null;
                }
            }
            return entry;
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getName() {
            return path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
        }

        @Override
        public boolean isHidden() {
            return false;
        }

        @Override
        public boolean isDirectory() {
            return entry() != null && entry().type() == FileType.DIRECTORY;
        }

        @Override
        public boolean isFile() {
            return entry() != null && entry().type() == FileType.FILE;
        }

        @Override
        public boolean doesExist() {
            return entry() != null;
        }

        @Override
        public boolean isReadable() {
            return volume.login().user().may(SftpPermission.READ);
        }

        @Override
        public boolean isWritable() {
            return volume.login().user().may(SftpPermission.WRITE);
        }

        @Override
        public boolean isRemovable() {
            return volume.login().user().may(SftpPermission.DELETE) && !path.equals("/");
        }

        @Override
        public String getOwnerName() {
            return "server";
        }

        @Override
        public String getGroupName() {
            return "server";
        }

        @Override
        public int getLinkCount() {
            return isDirectory() ? 3 : 1;
        }

        @Override
        public long getLastModified() {
            return entry() == null || entry().modified() == null ? 0 : entry().modified().toEpochMilli();
        }

        @Override
        public boolean setLastModified(long time) {
            return attempt("set the time of", () -> volume.setModified(path, Instant.ofEpochMilli(time)));
        }

        @Override
        public long getSize() {
            return entry() == null ? 0 : entry().size();
        }

        @Override
        public Object getPhysicalFile() {
            return null; // there is no host file to hand out
        }

        @Override
        public boolean mkdir() {
            return attempt("create", () -> volume.mkdir(path));
        }

        @Override
        public boolean delete() {
            return attempt("delete", () -> volume.remove(path, isDirectory()));
        }

        @Override
        public boolean move(FtpFile destination) {
            return attempt("rename", () -> volume.rename(path, destination.getAbsolutePath(), false));
        }

        @Override
        public List<? extends FtpFile> listFiles() {
            try {
                String base = path.equals("/") ? "" : path;
                return volume.list(path).entries().stream().map(e -> new File(base + "/" + e.name(), e)).toList();
            } catch (IOException e) {
                log.atDebug().addKeyValue("path", path).addKeyValue("error", e.getMessage()).log("FTP listing refused");
                return null;
            }
        }

        @Override
        public OutputStream createOutputStream(long offset) throws IOException {
            UserVolume.Upload upload = volume.openWrite(path, offset > 0 ? OpenDisposition.OPEN_OR_CREATE : OpenDisposition.CREATE_OR_TRUNCATE);
            if (offset > 0) {
                if (offset < upload.size()) {
                    upload.truncate(offset); // REST + STOR: what was there after the restart point is replaced
                }
                upload.position(offset);
            }
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        upload.write(buf);
                    }
                }

                @Override
                public void close() throws IOException {
                    upload.close();
                }
            };
        }

        @Override
        public InputStream createInputStream(long offset) throws IOException {
            ReadableFile r = volume.openRead(path);
            InputStream in = r.stream(offset, -1);
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    r.close();
                }
            };
        }

        private interface Op {
            void run() throws IOException;
        }

        private boolean attempt(String what, Op op) {
            try {
                op.run();
                return true;
            } catch (FilesException e) {
                log.atInfo().addKeyValue("login", volume.login().loginName()).addKeyValue("path", path)
                        .addKeyValue("problem", e.problem()).log("FTP " + what + " refused");
                return false;
            } catch (IOException e) {
                log.atWarn().addKeyValue("login", volume.login().loginName()).addKeyValue("path", path)
                        .addKeyValue("error", e.toString()).log("FTP " + what + " failed");
                return false;
            }
        }
    }
}

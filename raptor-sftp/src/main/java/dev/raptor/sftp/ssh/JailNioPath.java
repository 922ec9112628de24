package dev.raptor.sftp.ssh;

import dev.raptor.files.FileEntry;
import org.apache.sshd.common.file.util.BasePath;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.util.List;

/**
 * A path of a {@link JailFileSystem}: only a name (the user's path, {@code /plugins/x.jar}). A path a directory
 * listing produced carries the entry the listing read, so the attributes of a 10,000-entry {@code ls} cost no
 * second look at each file.
 */
final class JailNioPath extends BasePath<JailNioPath, JailFileSystem> {
    private final FileEntry listed;

    JailNioPath(JailFileSystem fs, String root, List<String> names, FileEntry listed) {
        super(fs, root, names);
        this.listed = listed;
    }

    /** What a listing said of this path (a link described as a link), or null. */
    FileEntry listed() {
        return listed;
    }

    JailNioPath withListed(FileEntry entry) {
        return new JailNioPath(getFileSystem(), root, names, entry);
    }

    /** The path as {@link dev.raptor.files.ServerFiles} takes it: absolute, {@code /} the server's root. */
    String userPath() {
        return "/" + String.join("/", toAbsolutePath().names);
    }

    @Override
    public JailNioPath toRealPath(LinkOption... options) throws IOException {
        JailNioPath p = toAbsolutePath().normalize();
        getFileSystem().provider().checkAccess(p);
        return p;
    }
}

package dev.raptor.sftp.ssh;

import dev.raptor.sftp.volume.UserVolume;
import org.apache.sshd.common.file.util.BaseFileSystem;

import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;

/**
 * The file system one SFTP session sees: a {@link java.nio.file.FileSystem} whose every operation is a call on the
 * logged-in user's {@link UserVolume}, so whatever path MINA's SFTP code builds and whatever {@code Files} method
 * it calls, the answer comes from the jail. It has no host paths at all: {@code /} is the server's root, and a
 * path is only ever a string handed to {@link dev.raptor.files.ServerFiles}.
 */
final class JailFileSystem extends BaseFileSystem<JailNioPath> {
    private final UserVolume volume;
    private volatile boolean open = true;

    JailFileSystem(JailFileSystemProvider provider, UserVolume volume) {
        super(provider);
        this.volume = volume;
    }

    UserVolume volume() {
        return volume;
    }

    @Override
    protected JailNioPath create(String root, List<String> names) {
        return new JailNioPath(this, root, names, null);
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("owners are not changed over SFTP: files belong to the server");
    }
}

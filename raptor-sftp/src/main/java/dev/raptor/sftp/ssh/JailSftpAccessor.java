package dev.raptor.sftp.ssh;

import dev.raptor.files.FilesException;
import dev.raptor.sftp.volume.UserVolume;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.Principal;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * MINA's SFTP accessor for Raptor: every operation of the subsystem on a {@link JailFileSystem}, made a call on the
 * user's volume. Its defaults would follow links through the host file system ({@code SecureDirectoryStream},
 * {@code FileChannel.open}) or change modes through views; here a link is only ever resolved by the jail, chmod is
 * the jail's (never through a link), and nothing reaches a host path.
 */
final class JailSftpAccessor implements SftpFileSystemAccessor {
    static final JailSftpAccessor INSTANCE = new JailSftpAccessor();

    private static UserVolume volume(Path p) {
        return JailFileSystemProvider.jail(p).getFileSystem().volume();
    }

    private static String path(Path p) {
        return JailFileSystemProvider.jail(p).userPath();
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                        Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return JailFileSystemProvider.INSTANCE.newByteChannel(file, options, attrs);
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
                            long position, long size, boolean shared) {
        throw new UnsupportedOperationException("byte-range locks are not offered");
    }

    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel)
            throws IOException {
        if (channel instanceof UserVolume.Upload u) {
            u.force();
        }
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
                          Set<? extends OpenOption> options) throws IOException {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (FilesException e) {
                throw Nio.translate(e);
            }
        }
    }

    @Override
    public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir,
                                               String handle, LinkOption... linkOptions) throws IOException {
        return JailFileSystemProvider.INSTANCE.newDirectoryStream(dir, null);
    }

    @Override
    public Map<String, ?> readFileAttributes(SftpSubsystemProxy subsystem, Path file, String view, LinkOption... options)
            throws IOException {
        JailNioPath p = JailFileSystemProvider.jail(file);
        // A listing's entry describes a link as a link, as OpenSSH's readdir (lstat) does.
        boolean follow = p.listed() == null && JailFileSystemProvider.follows(options);
        return new JailAttributes(JailFileSystemProvider.entry(p, follow)).asMap();
    }

    @Override
    public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute, Object value,
                                 LinkOption... options) throws IOException {
        if (value != null) {
            JailFileSystemProvider.INSTANCE.setAttribute(file, view + ":" + attribute, value, options);
        }
    }

    @Override
    public UserPrincipal resolveFileOwner(SftpSubsystemProxy subsystem, Path file, UserPrincipal name) throws IOException {
        throw new UserPrincipalNotFoundException(name.getName());
    }

    @Override
    public GroupPrincipal resolveGroupOwner(SftpSubsystemProxy subsystem, Path file, GroupPrincipal name) throws IOException {
        throw new UserPrincipalNotFoundException(name.getName());
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options) {
        throw new UnsupportedOperationException("a file's owner is the server's");
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options) {
        throw new UnsupportedOperationException("a file's group is the server's");
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms,
                                   LinkOption... options) throws IOException {
        try {
            volume(file).chmod(path(file), JailAttributes.mode(perms));
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, java.util.List<java.nio.file.attribute.AclEntry> acl,
                                     LinkOption... options) {
        throw new UnsupportedOperationException("ACLs are not offered");
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        JailFileSystemProvider.INSTANCE.createDirectory(path);
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
        if (!symLink) {
            throw new UnsupportedOperationException("hard links are not offered");
        }
        JailFileSystemProvider.INSTANCE.createSymbolicLink(link, existing);
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
        try {
            return volume(link).readLink(path(link));
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
            throws IOException {
        JailFileSystemProvider.INSTANCE.move(oldPath, newPath,
                opts.contains(StandardCopyOption.REPLACE_EXISTING) ? new CopyOption[]{StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0]);
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) throws IOException {
        JailFileSystemProvider.INSTANCE.copy(src, dst, opts.toArray(new CopyOption[0]));
    }

    @Override
    public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
        try {
            volume(path).remove(path(path), isDirectory);
        } catch (FilesException e) {
            if (e instanceof dev.raptor.files.ConflictException c && c.getMessage().contains("not empty")) {
                var nio = new java.nio.file.DirectoryNotEmptyException(path(path));
                nio.initCause(e);
                throw nio;
            }
            throw Nio.translate(e);
        }
    }
}

package dev.raptor.sftp.ssh;

import dev.raptor.files.FileEntry;
import dev.raptor.files.FileType;
import dev.raptor.files.FilesException;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.OpenDisposition;
import dev.raptor.files.ReadableFile;
import dev.raptor.sftp.volume.UserVolume;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link FileSystemProvider} of every {@link JailFileSystem}: each method is one {@link UserVolume} call on
 * the path's user path. MINA's SFTP subsystem reaches files through its accessor ({@link JailSftpAccessor}) and,
 * in places, through {@code Files.*} directly; both end here or there, and both end in the jail.
 */
final class JailFileSystemProvider extends FileSystemProvider {
    static final JailFileSystemProvider INSTANCE = new JailFileSystemProvider();

    private JailFileSystemProvider() {
    }

    static JailNioPath jail(Path p) {
        if (p instanceof JailNioPath j) {
            return j;
        }
        throw new ProviderMismatchException("not a path of a server's SFTP file system: " + p);
    }

    private static UserVolume volume(Path p) {
        return jail(p).getFileSystem().volume();
    }

    static boolean follows(LinkOption... options) {
        return Arrays.stream(options).noneMatch(o -> o == LinkOption.NOFOLLOW_LINKS);
    }

    static boolean follows(Set<? extends OpenOption> options) {
        return !options.contains(LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String getScheme() {
        return "raptor-server";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("server file systems are made per SFTP session");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("server file systems are made per SFTP session");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("server file systems are made per SFTP session");
    }

    // ------------------------------------------------------------------ content

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        JailNioPath p = jail(path);
        UserVolume v = volume(p);
        try {
            if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
                OpenDisposition d = OpenDisposition.of(options.contains(StandardOpenOption.CREATE)
                                || options.contains(StandardOpenOption.CREATE_NEW),
                        options.contains(StandardOpenOption.CREATE_NEW), options.contains(StandardOpenOption.TRUNCATE_EXISTING));
                Integer mode = requestedMode(attrs);
                boolean existed = mode != null && exists(v, p.userPath());
                UserVolume.Upload upload = v.openWrite(p.userPath(), d);
                if (mode != null && !existed) {
                    try {
                        v.chmod(p.userPath(), mode);
                    } catch (FilesException e) {
                        // the file is there with the default mode; a mode it could not take is no reason to refuse it
                    }
                }
                if (options.contains(StandardOpenOption.APPEND)) {
                    upload.position(upload.size());
                }
                return upload;
            }
            ReadableFile r = v.openRead(p.userPath());
            return r.channel();
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    private static boolean exists(UserVolume v, String path) throws IOException {
        try {
            v.stat(path, false);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The mode an SFTP open asks a new file to have (the {@code permissions} attribute), or null. */
    @SuppressWarnings("unchecked")
    static Integer requestedMode(FileAttribute<?>... attrs) {
        for (FileAttribute<?> a : attrs) {
            if ((a.name().equals("permissions") || a.name().equals("posix:permissions")) && a.value() instanceof Set<?> s) {
                return JailAttributes.mode((Set<PosixFilePermission>) s);
            }
        }
        return null;
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        JailNioPath d = jail(dir);
        java.util.List<FileEntry> entries;
        try {
            entries = volume(d).list(d.userPath()).entries();
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
        return new DirectoryStream<>() {
            private boolean iterated;

            @Override
            public Iterator<Path> iterator() {
                if (iterated) {
                    throw new IllegalStateException("a directory stream is iterated once");
                }
                iterated = true;
                return entries.stream()
                        .map(e -> (Path) d.resolve(e.name()).withListed(e))
                        .filter(p -> {
                            try {
                                return filter == null || filter.accept(p);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })
                        .iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    // ------------------------------------------------------------------ changes

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        try {
            volume(dir).mkdir(jail(dir).userPath());
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        JailNioPath p = jail(path);
        try {
            FileEntry e = volume(p).stat(p.userPath(), false);
            volume(p).remove(p.userPath(), e.type() == FileType.DIRECTORY);
        } catch (FilesException e) {
            if (e instanceof dev.raptor.files.ConflictException c && c.getMessage().contains("not empty")) {
                var nio = new java.nio.file.DirectoryNotEmptyException(p.userPath());
                nio.initCause(e);
                throw nio;
            }
            throw Nio.translate(e);
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        try {
            if (Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING) && exists(volume(target), jail(target).userPath())) {
                volume(target).remove(jail(target).userPath(), false);
            }
            volume(source).copy(jail(source).userPath(), jail(target).userPath());
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        try {
            volume(source).rename(jail(source).userPath(), jail(target).userPath(),
                    Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING));
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        try {
            volume(link).symlink(jail(link).userPath(), target.toString());
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        try {
            return jail(link).getFileSystem().getPath(volume(link).readLink(jail(link).userPath()));
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public boolean isSameFile(Path a, Path b) {
        return jail(a).toAbsolutePath().normalize().equals(jail(b).toAbsolutePath().normalize());
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("a server's file system has no store to describe");
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        entry(jail(path), true);
    }

    static FileEntry entry(JailNioPath p, boolean follow) throws IOException {
        if (p.listed() != null && !(follow && p.listed().type() == FileType.SYMLINK)) {
            return p.listed();
        }
        try {
            return p.getFileSystem().volume().stat(p.userPath(), follow);
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class && type != PosixFileAttributeView.class) {
            return null;
        }
        JailNioPath p = jail(path);
        boolean follow = follows(options);
        return (V) new PosixFileAttributeView() {
            @Override
            public String name() {
                return "posix";
            }

            @Override
            public PosixFileAttributes readAttributes() throws IOException {
                return new JailAttributes(entry(p, follow));
            }

            @Override
            public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
                if (lastModifiedTime != null) {
                    setAttribute(p, "basic:lastModifiedTime", lastModifiedTime);
                }
            }

            @Override
            public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
                setAttribute(p, "posix:permissions", perms);
            }

            @Override
            public void setGroup(GroupPrincipal group) {
                throw new UnsupportedOperationException("a file's group is the server's");
            }

            @Override
            public UserPrincipal getOwner() {
                return JailAttributes.SERVER;
            }

            @Override
            public void setOwner(UserPrincipal owner) {
                throw new UnsupportedOperationException("a file's owner is the server's");
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("no " + type.getSimpleName() + " here");
        }
        return (A) new JailAttributes(entry(jail(path), follows(options)));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        Map<String, Object> all = new JailAttributes(entry(jail(path), follows(options))).asMap();
        String names = attributes.contains(":") ? attributes.substring(attributes.indexOf(':') + 1) : attributes;
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : names.split(",")) {
            if (all.containsKey(n)) {
                out.put(n, all.get(n));
            }
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        JailNioPath p = jail(path);
        String name = attribute.contains(":") ? attribute.substring(attribute.indexOf(':') + 1) : attribute;
        try {
            switch (name) {
                case "permissions" -> volume(p).chmod(p.userPath(), JailAttributes.mode((Set<PosixFilePermission>) value));
                case "lastModifiedTime" -> volume(p).setModified(p.userPath(), ((FileTime) value).toInstant());
                case "lastAccessTime", "creationTime" -> {
                    // not kept apart from the modification time (set with it)
                }
                case "size" -> volume(p).truncate(p.userPath(), ((Number) value).longValue());
                default -> throw new UnsupportedOperationException(name + " is not changed over SFTP");
            }
        } catch (FilesException e) {
            throw Nio.translate(e);
        }
    }
}

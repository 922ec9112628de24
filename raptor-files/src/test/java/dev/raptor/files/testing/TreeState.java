package dev.raptor.files.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a restore must bring back of a tree, path by path: kind, mode, content digest or link target, mtime. Two
 * trees are the same when their maps are equal. Shared through this module's test-jar (raptor-backup's round trips).
 */
public final class TreeState {
    private TreeState() {
    }

    /**
     * @param withDirectoryTimes whether a directory's mtime counts (an extraction that writes into a directory changes it)
     */
    public static Map<String, String> of(Path root, boolean withDirectoryTimes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String perms = PosixFilePermissions.toString(a.permissions());
                String time = a.lastModifiedTime().toInstant().toString();
                if (a.isSymbolicLink()) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p) + " " + time);
                } else if (a.isDirectory()) {
                    out.put(rel, "dir " + perms + (withDirectoryTimes ? " " + time : ""));
                } else {
                    out.put(rel, "file " + perms + " " + a.size() + " " + digest(p) + " " + time);
                }
            }
        }
        return out;
    }

    /** The file's SHA-256, lower-case hex. */
    public static String digest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

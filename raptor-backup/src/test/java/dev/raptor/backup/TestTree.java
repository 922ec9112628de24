package dev.raptor.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds server trees for tests: a small one with every kind of entry, and a big one of a given size, cheaply. */
public final class TestTree {
    static final Instant STAMP = Instant.parse("2024-05-06T07:08:09Z");

    private TestTree() {
    }

    /** A few files of each kind: nested dirs, an empty dir, modes, links inside (one dangling), a read-only dir. */
    static void small(Path root) throws IOException {
        Random r = new Random(11);
        byte[] region = new byte[200_000];
        r.nextBytes(region);
        Files.createDirectories(root.resolve("world/region"));
        Files.write(root.resolve("world/region/r.0.0.mca"), region);
        Files.writeString(root.resolve("world/level.dat"), "level");
        Files.createDirectories(root.resolve("world/empty"));
        Files.createDirectories(root.resolve("logs"));
        Files.writeString(root.resolve("logs/latest.log"), "a log line\n".repeat(100));
        Files.writeString(root.resolve("server.properties"), "motd=hi\n");
        Path script = Files.writeString(root.resolve("start.sh"), "#!/bin/sh\nexec java -jar server.jar\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Path secret = Files.writeString(root.resolve("ops.json"), "[]");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(root.resolve("world/latest"), Path.of("level.dat"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("not/there"));
        Files.createDirectories(root.resolve("cache/deep/er"));
        Files.writeString(root.resolve("cache/deep/er/blob.bin"), "cached");
        stamp(root);
        Files.setPosixFilePermissions(root.resolve("cache/deep"), PosixFilePermissions.fromString("r-xr-x---"));
    }

    /**
     * About {@code bytes} in all: a handful of big files (each a random megabyte repeated with a counter stamped into
     * every block, so zstd has real work and no file is a copy of another) and thousands of small ones, with
     * symbolic links, empty directories and varied modes.
     */
    static void big(Path root, long bytes) throws IOException {
        Random r = new Random(5);
        long small = Math.min(bytes / 16, 64L * 1024 * 1024);
        long bigTotal = bytes - small;
        int bigFiles = 6;
        byte[] block = new byte[1 << 20];
        r.nextBytes(block);
        Files.createDirectories(root.resolve("world/region"));
        for (int i = 0; i < bigFiles; i++) {
            Path f = root.resolve("world/region/r." + i + ".mca");
            long size = bigTotal / bigFiles + (i == 0 ? bigTotal % bigFiles : 0) - i * 4093L;
            writeBig(f, size, block, i);
        }
        int n = 0;
        long written = 0;
        byte[] buf = new byte[64 * 1024];
        while (written < small) {
            Path dir = root.resolve("plugins/p" + (n % 40) + "/data" + (n % 7));
            Files.createDirectories(dir);
            int size = 1 + r.nextInt(n % 10 == 0 ? buf.length : 4096);
            r.nextBytes(buf);
            Path f = Files.write(dir.resolve("f" + n + ".yml"), java.util.Arrays.copyOf(buf, size));
            if (n % 13 == 0) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(n % 2 == 0 ? "rwxr-xr-x" : "r--------"));
            }
            if (n % 97 == 0) {
                Files.createSymbolicLink(dir.resolve("link" + n), Path.of("f" + n + ".yml"));
                Files.createDirectories(dir.resolve("empty" + n));
            }
            written += size;
            n++;
        }
        Files.createSymbolicLink(root.resolve("region-link"), Path.of("world/region"));
        stamp(root);
    }

    private static void writeBig(Path f, long size, byte[] block, int salt) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(block);
            long left = size;
            long counter = (long) salt << 40;
            while (left > 0) {
                for (int off = 0; off < block.length; off += 4096) {
                    ByteBuffer.wrap(block, off, 8).putLong(counter++);
                }
                b.clear().limit((int) Math.min(block.length, left));
                while (b.hasRemaining()) {
                    left -= ch.write(b);
                }
            }
        }
    }

    /** Sets every time to a fixed past instant, so a tree and its restore can be compared time for time. */
    public static void stamp(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(all::add);
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : all) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(STAMP), null, null);
        }
    }

    /** Flips one byte in the middle of a file. */
    static void flipOneByte(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() / 2;
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.flip();
            byte b = one.get();
            ch.write(ByteBuffer.wrap(new byte[]{(byte) (b ^ 0x01)}), at);
        }
    }
}

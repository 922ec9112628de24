package dev.raptor.backup;

import dev.raptor.files.testing.TreeState;
import dev.raptor.core.backup.BackupRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance round trip on a generated tree of 2 GiB (set {@code -Draptor.backup.roundTripBytes=...} for another
 * size): mixed big and small files, links inside, empty directories, varied modes; backup, change, restore with and
 * without truncate.
 */
class BigTreeRoundTripTest {
    private static final long BYTES = Long.getLong("raptor.backup.roundTripBytes", 2L * 1024 * 1024 * 1024);

    @TempDir
    Path dataDir;

    @Test
    void aTwoGibTreeComesBackIdenticalAndWithoutTruncateExtraFilesStay() throws IOException {
        try (Node node = Node.open(dataDir)) {
            Path root = node.root();
            TestTree.big(root, BYTES);
            Map<String, String> saved = TreeState.of(root, true);
            long inputBytes;
            try (var walk = Files.walk(root)) {
                inputBytes = walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            assertThat(inputBytes).isGreaterThanOrEqualTo(BYTES * 95 / 100);

            BackupRecord b = node.backups.create(node.target(), BackupRequest.DEFAULT, BackupListener.NONE);

            mutate(root);
            node.backups.restore(node.target(), b.id(), true, BackupListener.NONE);
            assertThat(TreeState.of(root, true)).isEqualTo(saved);

            mutate(root);
            node.backups.restore(node.target(), b.id(), false, BackupListener.NONE);
            Map<String, String> merged = TreeState.of(root, false);
            Map<String, String> savedWithoutDirectoryTimes = new java.util.TreeMap<>();
            saved.forEach((k, v) -> savedWithoutDirectoryTimes.put(k, strip(v)));
            assertThat(merged).containsAllEntriesOf(savedWithoutDirectoryTimes);
            assertThat(Files.readString(root.resolve("extra/new-plugin.yml"))).isEqualTo("added after the backup");
            assertThat(Files.readString(root.resolve("extra.txt"))).isEqualTo("also added");
        }
    }

    /** The same entry without a directory's time (a merge into a directory changes it). */
    private static String strip(String state) {
        return state.startsWith("dir ") ? state.substring(0, "dir rwxrwxrwx".length()) : state;
    }

    private static void mutate(Path root) throws IOException {
        try (FileChannel ch = FileChannel.open(root.resolve("world/region/r.0.mca"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("overwritten".getBytes()), 4096);
        }
        try (FileChannel ch = FileChannel.open(root.resolve("world/region/r.1.mca"), StandardOpenOption.WRITE)) {
            ch.truncate(1000);
        }
        Files.delete(root.resolve("region-link"));
        Files.createSymbolicLink(root.resolve("region-link"), Path.of("plugins"));
        Files.setPosixFilePermissions(root.resolve("world/region/r.2.mca"), PosixFilePermissions.fromString("rwxrwxrwx"));
        try (var files = Files.list(root.resolve("plugins/p3/data3"))) {
            for (Path p : files.limit(5).toList()) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(root.resolve("extra"));
        Files.writeString(root.resolve("extra/new-plugin.yml"), "added after the backup");
        Files.writeString(root.resolve("extra.txt"), "also added");
    }
}

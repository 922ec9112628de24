package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.testing.TreeState;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Extraction hands small files to writer threads ({@link FileWriters}) while it reads on: the tree that comes out must
 * be the archive's whatever order they finish in, entries that depend on a handed file must find it written, and a
 * writer's failure must fail the extraction with nothing of it left behind.
 */
class ExtractionWritersTest {
    private static final Set<PosixFilePermission> ODD_MODE = PosixFilePermissions.fromString("r-x-w---x");

    @TempDir
    Path tmp;
    Volume v;

    @BeforeEach
    void setUp() {
        try {
            v = new Volume(tmp);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    @Test
    void aTreeOfThousandsOfSmallFilesNestedDirectoriesAndLinksRestoresIdentically() throws IOException {
        generate(v.root, 3000);
        Map<String, String> saved = TreeState.of(v.root, true);
        Path archive = compress();
        mutate(v.root);
        assertThat(TreeState.of(v.root, true)).isNotEqualTo(saved);

        RestoreResult r = v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), true, Progress.none(), p -> { });

        assertThat(TreeState.of(v.root, true)).isEqualTo(saved);
        assertThat(r.extracted().files()).isEqualTo(saved.values().stream().filter(s -> s.startsWith("file ")).count());
        assertThat(writerThreads()).isEmpty();
    }

    @Test
    void aRestoreWithoutTruncateOverTheSameTreeKeepsItIdentical() throws IOException {
        generate(v.root, 1500);
        Map<String, String> saved = TreeState.of(v.root, false); // merging into a directory changes its time
        Path archive = compress();

        v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), false, Progress.none(), p -> { });

        assertThat(TreeState.of(v.root, false)).isEqualTo(saved);
    }

    @Test
    void laterEntriesOfTheSameNameAndHardLinksSeeTheHandedFileWritten() throws IOException {
        Path tarFile = tmp.resolve("ordered.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tarFile))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int round = 0; round < 200; round++) {
                String d = "d" + round + "/";
                file(tar, d + "twice.txt", "first " + round);
                file(tar, d + "twice.txt", "second " + round); // the later one wins, as with tar
                hardLink(tar, d + "same.txt", d + "twice.txt");
                file(tar, d + "becomes-a-dir", "a file first");
                directory(tar, d + "becomes-a-dir/", 040755);
                file(tar, d + "becomes-a-dir/inside.txt", "inside " + round);
                file(tar, d + "becomes-a-link", "a file first");
                TarArchiveEntry link = new TarArchiveEntry(d + "becomes-a-link", TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("twice.txt");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }

        v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(tarFile), true, Progress.none(), p -> { });

        for (int round = 0; round < 200; round++) {
            Path d = v.root.resolve("d" + round);
            assertThat(Files.readString(d.resolve("twice.txt"))).isEqualTo("second " + round);
            assertThat(Files.getAttribute(d.resolve("same.txt"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(d.resolve("twice.txt"), "unix:ino"));
            assertThat(Files.getAttribute(d.resolve("twice.txt"), "unix:nlink")).isEqualTo(2);
            assertThat(Files.isDirectory(d.resolve("becomes-a-dir"), LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(Files.readString(d.resolve("becomes-a-dir/inside.txt"))).isEqualTo("inside " + round);
            assertThat(Files.readSymbolicLink(d.resolve("becomes-a-link"))).isEqualTo(Path.of("twice.txt"));
        }
    }

    @Test
    void aDirectoryEntryAfterWhatItHoldsKeepsItAndTakesItsMode() throws IOException {
        Path tarFile = tmp.resolve("content-first.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tarFile))) {
            for (int round = 0; round < 50; round++) {
                file(tar, "d" + round + "/deep/inside.txt", "inside " + round); // d<round>/ and deep/ made for it
                directory(tar, "d" + round + "/", 040750);
            }
        }

        v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(tarFile), true, Progress.none(), p -> { });

        for (int round = 0; round < 50; round++) {
            Path d = v.root.resolve("d" + round);
            assertThat(Files.readString(d.resolve("deep/inside.txt"))).isEqualTo("inside " + round);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS))).isEqualTo("rwxr-x---");
        }
    }

    @Test
    void aFileOverADirectoryMadeForEarlierEntriesRefusesTheRestoreAndLeavesThePreviousFiles() throws IOException {
        Files.writeString(v.root.resolve("kept.txt"), "from before");
        Path tarFile = tmp.resolve("file-over-dir.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tarFile))) {
            file(tar, "plugins/config/a.yml", "a");
            file(tar, "plugins", "a file where the archive made a directory");
        }

        assertThatThrownBy(() -> v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(tarFile), true, Progress.none(), p -> { }))
                .isInstanceOf(BadArchiveException.class)
                .hasMessageContaining("replaces a directory of the same archive");
        assertThat(Files.readString(v.root.resolve("kept.txt"))).isEqualTo("from before");
        assertThat(v.root.resolve("plugins")).doesNotExist();
        assertThat(restoreLeftovers()).isEmpty();
    }

    @Test
    void aWriterThatFailsFailsTheRestoreAndLeavesThePreviousFilesUntouched() throws IOException {
        generate(v.root, 1500);
        String doomed = "doomed-" + UUID.randomUUID() + ".yml";
        Files.writeString(v.root.resolve("plugins/p7/config/" + doomed), "this one cannot be written back");
        Path archive = compress();
        mutate(v.root);
        Map<String, String> before = TreeState.of(v.root, true);
        FileWriters.FAIL_FOR_TESTS.add(doomed);
        try {
            assertThatThrownBy(() -> v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), true, Progress.none(), p -> { }))
                    .isInstanceOf(DiskFullException.class)
                    .hasMessageContaining(doomed);
        } finally {
            FileWriters.FAIL_FOR_TESTS.remove(doomed);
        }

        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(restoreLeftovers()).isEmpty();
        assertThat(writerThreads()).isEmpty();
    }

    @Test
    void aWriterThatFailsFailsAnExtractionIntoTheServerAndLeavesNothingOfIt() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        generate(src, 800);
        String doomed = "doomed-" + UUID.randomUUID() + ".yml";
        Files.writeString(src.resolve("plugins/p3/config/" + doomed), "this one cannot be written");
        Path archive = tmp.resolve("upload.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive));
             Stream<Path> walk = Files.walk(src)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                file(tar, src.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        Files.copy(archive, v.root.resolve("upload.tar"));
        Map<String, String> before = TreeState.of(v.root, true);
        FileWriters.FAIL_FOR_TESTS.add(doomed);
        try {
            assertThatThrownBy(() -> v.files().decompress("/upload.tar", "/unpacked", Progress.none()))
                    .isInstanceOf(DiskFullException.class);
        } finally {
            FileWriters.FAIL_FOR_TESTS.remove(doomed);
        }

        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(writerThreads()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /** Nested directories of small files (some empty, some with odd modes), links, a closed directory, old times. */
    private static void generate(Path root, int files) throws IOException {
        Random r = new Random(files);
        for (int i = 0; i < files; i++) {
            Path dir = root.resolve("plugins/p" + (i % 40) + "/config" + (i % 3 == 0 ? "/deep/er" : ""));
            Files.createDirectories(dir);
            byte[] content = new byte[i % 17 == 0 ? 0 : 1 + r.nextInt(i % 50 == 0 ? 200_000 : 3000)];
            r.nextBytes(content);
            Path f = Files.write(dir.resolve("c" + i + ".yml"), content);
            if (i % 11 == 0) {
                Files.setPosixFilePermissions(f, ODD_MODE);
            }
            if (i % 97 == 0) {
                Files.createSymbolicLink(dir.resolve("l" + i), Path.of("c" + i + ".yml"));
            }
        }
        Files.createDirectories(root.resolve("logs/empty"));
        byte[] big = new byte[3 * 1024 * 1024 + 12_345]; // larger than a writer takes: this thread's, in several writes
        r.nextBytes(big);
        Files.write(root.resolve("world.dat"), big); // random, so a chunk written twice or out of place shows
        Files.createSymbolicLink(root.resolve("latest"), Path.of("plugins/p1/config"));
        stamp(root);
        Files.setPosixFilePermissions(root.resolve("plugins/p5/config"), PosixFilePermissions.fromString("r-x------"));
    }

    /** Distinct old times on everything, children before their directory (a write into a directory changes its time). */
    private static void stamp(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(all::add);
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount());
        long t = Instant.parse("2021-03-04T05:06:07Z").getEpochSecond();
        for (Path p : all) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(Instant.ofEpochSecond(t++)), null, null);
        }
    }

    private static void mutate(Path root) throws IOException {
        Files.writeString(root.resolve("plugins/p1/config/c1.yml"), "changed");
        Files.delete(root.resolve("plugins/p2/config/c2.yml"));
        Files.writeString(root.resolve("extra.txt"), "not in the backup");
        Files.createDirectories(root.resolve("plugins/new"));
    }

    private Path compress() throws IOException {
        Path archive = tmp.resolve("tree-" + UUID.randomUUID() + ".tar.zst");
        try (OutputStream out = Files.newOutputStream(archive)) {
            v.files().compressTo(List.of("/"), ArchiveFormat.TAR_ZST, CompressOptions.DEFAULTS, out, Progress.none());
        }
        return archive;
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        file(tar, name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] b) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry dir = new TarArchiveEntry(name);
        dir.setMode(mode);
        tar.putArchiveEntry(dir);
        tar.closeArchiveEntry();
    }

    private static void hardLink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private List<Path> restoreLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(v.root.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith(VolumeRestore.PREFIX)).toList();
        }
    }

    /** Writer threads still alive: every extraction waits for its own before it returns or throws. */
    private static List<String> writerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("extract-writer-")).toList();
    }
}

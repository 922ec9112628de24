package dev.raptor.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerFilesTest {
    @TempDir
    Path tmp;
    Volume v;
    ServerFiles files;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        files = v.files();
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    @Test
    void writeThenReadRoundTripsAndCreatesParents() throws IOException {
        WriteResult w = files.write("/plugins/Essentials/config.yml", "motd: hi\n".getBytes(StandardCharsets.UTF_8));
        assertThat(w.created()).isTrue();
        assertThat(w.bytes()).isEqualTo(9);
        assertThat(v.read("plugins/Essentials/config.yml")).isEqualTo("motd: hi\n");
        try (ReadableFile r = files.openRead("plugins/Essentials/config.yml")) {
            assertThat(new String(r.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("motd: hi\n");
            assertThat(new String(r.stream(6, 2).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
            assertThat(r.entry().mime()).isEqualTo("application/yaml");
        }
    }

    @Test
    void replacingAFileKeepsItsModeAndLeavesNoTemporaryFile() throws IOException {
        Path f = v.write("start.sh", "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
        WriteResult w = files.write("start.sh", "new".getBytes(StandardCharsets.UTF_8));
        assertThat(w.created()).isFalse();
        assertThat(v.read("start.sh")).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rwxr-x---");
        try (var s = Files.list(v.root)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("start.sh");
        }
    }

    @Test
    void anAbandonedStreamedWriteLeavesTheOldFile() throws IOException {
        v.write("world.dat", "old");
        IOException broken = new IOException("client went away");
        var body = new java.io.InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100_000) {
                    throw broken;
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> files.write("world.dat", body, -1, Progress.none())).isSameAs(broken);
        assertThat(v.read("world.dat")).isEqualTo("old");
        try (var s = Files.list(v.root)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void aReplacingWriteOfManyWritebackStepsRoundTripsAndLeavesNoFileDescriptorOpen() throws IOException {
        v.write("world.dat", "old");
        byte[] data = new byte[(int) (2 * WritableFile.WRITEBACK_BYTES + 12345)];
        new java.util.Random(9).nextBytes(data);
        files.write("world.dat", new ByteArrayInputStream(data), data.length, Progress.none());
        assertThat(Files.readAllBytes(v.root.resolve("world.dat"))).isEqualTo(data);
        assertThat(openFilesUnder(v.root)).isEmpty();

        // abandoned half way: the temporary file and its descriptors go, the old file stays
        IOException broken = new IOException("client went away");
        java.io.InputStream cut = new java.io.SequenceInputStream(new ByteArrayInputStream(data), new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw broken;
            }
        });
        assertThatThrownBy(() -> files.write("world.dat", cut, -1, Progress.none())).isSameAs(broken);
        assertThat(Files.readAllBytes(v.root.resolve("world.dat"))).isEqualTo(data);
        assertThat(openFilesUnder(v.root)).isEmpty();
    }

    /** This process's descriptors open on files (not directories) under {@code root}, as /proc/self/fd shows them. */
    private static java.util.List<String> openFilesUnder(Path root) throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (target.startsWith(root.toString()) && !Files.isDirectory(Path.of(target.replace(" (deleted)", "")))) {
                    out.add(target);
                }
            }
        }
        return out;
    }

    @Test
    void listingShowsTypesModesAndLinksDirectoriesFirst() throws IOException {
        v.write("b.txt", "hello");
        Files.createDirectories(v.root.resolve("a-dir"));
        Files.createSymbolicLink(v.root.resolve("in-link"), Path.of("b.txt"));
        Files.createSymbolicLink(v.root.resolve("out-link"), v.secret);
        Listing l = files.list("/");
        assertThat(l.path()).isEqualTo("/");
        assertThat(l.entries()).extracting(FileEntry::name).containsExactly("a-dir", "b.txt", "in-link", "out-link");
        FileEntry b = l.entries().get(1);
        assertThat(b.type()).isEqualTo(FileType.FILE);
        assertThat(b.size()).isEqualTo(5);
        assertThat(b.octalMode()).isEqualTo("0644");
        assertThat(b.mime()).isEqualTo("text/plain");
        FileEntry in = l.entries().get(2);
        assertThat(in.type()).isEqualTo(FileType.SYMLINK);
        assertThat(in.linkTarget()).isEqualTo("b.txt");
        assertThat(in.linkInside()).isTrue();
        FileEntry out = l.entries().get(3);
        assertThat(out.linkTarget()).isEqualTo(v.secret.toString());
        assertThat(out.linkInside()).isFalse();
        assertThat(l.entries().getFirst().mime()).isEqualTo("inode/directory");
    }

    @Test
    void aLinkInsideTheRootIsFollowedForReading() throws IOException {
        v.write("real/config.yml", "x: 1");
        Files.createSymbolicLink(v.root.resolve("alias"), Path.of("real"));
        try (ReadableFile r = files.openRead("alias/config.yml")) {
            assertThat(r.stream().readAllBytes()).isEqualTo("x: 1".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(files.list("alias").entries()).extracting(FileEntry::name).containsExactly("config.yml");
    }

    @Test
    void mkdirsCreatesParentsAndIsIdempotent() throws IOException {
        assertThat(files.mkdirs("/a/b/c")).isTrue();
        assertThat(files.mkdirs("/a/b/c")).isFalse();
        assertThat(Files.isDirectory(v.root.resolve("a/b/c"))).isTrue();
        v.write("file", "x");
        assertThatThrownBy(() -> files.mkdirs("file")).isInstanceOf(ConflictException.class);
    }

    @Test
    void moveRenamesManyAndRefusesToReplace() throws IOException {
        v.write("a.txt", "a");
        v.write("b.txt", "b");
        Files.createDirectories(v.root.resolve("dir"));
        List<Move> done = files.move(List.of(new Move("a.txt", "dir/a.txt"), new Move("b.txt", "/c.txt")));
        assertThat(done).containsExactly(new Move("/a.txt", "/dir/a.txt"), new Move("/b.txt", "/c.txt"));
        assertThat(v.read("dir/a.txt")).isEqualTo("a");
        assertThat(v.read("c.txt")).isEqualTo("b");
        assertThatThrownBy(() -> files.move(List.of(new Move("c.txt", "dir/a.txt"))))
                .isInstanceOf(ConflictException.class);
        assertThat(v.read("c.txt")).isEqualTo("b");
    }

    @Test
    void aBatchOfMovesIsAllOrNothing() throws IOException {
        v.write("a.txt", "a");
        v.write("taken.txt", "t");
        assertThatThrownBy(() -> files.move(List.of(new Move("a.txt", "x.txt"), new Move("missing", "y.txt"))))
                .isInstanceOf(NotFoundException.class);
        assertThat(Files.exists(v.root.resolve("a.txt"))).isTrue();
        assertThat(Files.exists(v.root.resolve("x.txt"))).isFalse();
    }

    @Test
    void aDirectoryCannotMoveIntoItself() throws IOException {
        Files.createDirectories(v.root.resolve("d/sub"));
        assertThatThrownBy(() -> files.move(List.of(new Move("d", "d/sub/d")))).isInstanceOf(ConflictException.class);
    }

    @Test
    void copyNamesCopiesLikeWings() throws IOException {
        v.write("world.tar.gz", "tgz");
        v.write("server.properties", "p");
        assertThat(files.copy("world.tar.gz", null, Progress.none()).to()).isEqualTo("/world copy.tar.gz");
        assertThat(files.copy("world.tar.gz", null, Progress.none()).to()).isEqualTo("/world copy 2.tar.gz");
        assertThat(files.copy("server.properties", null, Progress.none()).to()).isEqualTo("/server copy.properties");
        assertThat(v.read("world copy 2.tar.gz")).isEqualTo("tgz");
    }

    @Test
    void copyOfADirectoryCopiesTheTreeWithInsideLinks() throws IOException {
        v.write("world/region/r.0.0.mca", "region");
        v.write("world/level.dat", "level");
        Files.createSymbolicLink(v.root.resolve("world/latest"), Path.of("level.dat"));
        Files.createSymbolicLink(v.root.resolve("world/escape"), Path.of("../../../outside"));
        CopyResult c = files.copy("world", "backup/world", Progress.none());
        assertThat(c.files()).isEqualTo(2);
        assertThat(c.bytes()).isEqualTo(11);
        assertThat(c.skipped()).containsExactly("/world/escape");
        assertThat(v.read("backup/world/region/r.0.0.mca")).isEqualTo("region");
        assertThat(Files.readSymbolicLink(v.root.resolve("backup/world/latest"))).isEqualTo(Path.of("level.dat"));
        assertThat(Files.exists(v.root.resolve("backup/world/escape"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void deleteRemovesTreesAndReportsWhatWasAlreadyGone() throws IOException {
        v.write("logs/a.log", "12345");
        v.write("logs/old/b.log", "123");
        v.write("keep.txt", "k");
        DeleteResult d = files.delete(List.of("logs", "missing.txt"), Progress.none());
        assertThat(d.deleted()).containsExactly("/logs");
        assertThat(d.absent()).containsExactly("/missing.txt");
        assertThat(d.files()).isEqualTo(4);
        assertThat(d.bytes()).isEqualTo(8);
        assertThat(Files.exists(v.root.resolve("logs"))).isFalse();
        assertThat(Files.exists(v.root.resolve("keep.txt"))).isTrue();
    }

    @Test
    void deletingALinkRemovesTheLinkNotItsTarget() throws IOException {
        v.write("data/x", "x");
        Files.createSymbolicLink(v.root.resolve("link"), Path.of("data"));
        files.delete(List.of("link"), Progress.none());
        assertThat(Files.exists(v.root.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(v.read("data/x")).isEqualTo("x");
    }

    @Test
    void chmodChangesManyModes() throws IOException {
        v.write("a.sh", "a");
        Files.createDirectories(v.root.resolve("d"));
        files.chmod(List.of(new ModeChange("a.sh", 0755), ModeChange.parse("d", "0700")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(v.root.resolve("a.sh")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(v.root.resolve("d")))).isEqualTo("rwx------");
        assertThatThrownBy(() -> ModeChange.parse("a.sh", "4755")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModeChange.parse("a.sh", "rwx")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void searchFindsByNameAndGlobToADepth() throws IOException {
        v.write("plugins/Essentials/config.yml", "");
        v.write("plugins/WorldEdit/config.yml", "");
        v.write("plugins/WorldEdit/deep/deeper/config.yml", "");
        v.write("server.properties", "");
        SearchResult r = files.search("/", "CONFIG", 3, 100, Progress.none());
        assertThat(r.found()).extracting(FoundFile::path)
                .containsExactlyInAnyOrder("/plugins/Essentials/config.yml", "/plugins/WorldEdit/config.yml");
        assertThat(files.search("plugins", "*.yml", 8, 100, Progress.none()).found()).hasSize(3);
        SearchResult limited = files.search("/", "config", 8, 2, Progress.none());
        assertThat(limited.found()).hasSize(2);
        assertThat(limited.truncated()).isTrue();
    }

    @Test
    void inPlaceWritesResumeAnExistingFile() throws IOException {
        v.write("upload.bin", "12345");
        try (WritableFile w = files.openWrite("upload.bin", WriteMode.IN_PLACE, -1)) {
            w.write(java.nio.ByteBuffer.wrap("678".getBytes(StandardCharsets.UTF_8)), 5);
            w.commit();
        }
        assertThat(v.read("upload.bin")).isEqualTo("12345678");
    }

    @Test
    void setModifiedChangesTheTime() throws IOException {
        v.write("f", "x");
        java.time.Instant t = java.time.Instant.parse("2020-01-02T03:04:05Z");
        files.setModified("f", t);
        assertThat(Files.getLastModifiedTime(v.root.resolve("f")).toInstant()).isEqualTo(t);
        assertThat(files.stat("f").modified()).isEqualTo(t);
    }

    @Test
    void symlinksMayBeCreatedOnlyPointingInside() throws IOException {
        v.write("a/target.txt", "t");
        FileEntry e = files.symlink("a/link", "target.txt");
        assertThat(e.linkInside()).isTrue();
        assertThatThrownBy(() -> files.symlink("a/out", "../../x")).isInstanceOf(PathOutsideRootException.class);
        assertThatThrownBy(() -> files.symlink("a/abs", "/etc/passwd")).isInstanceOf(PathOutsideRootException.class);
    }

    @Test
    void aStreamOfUnknownLengthIsWritten() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        new java.util.Random(1).nextBytes(data);
        Progress p = Progress.none();
        files.write("big.bin", new ByteArrayInputStream(data), -1, p);
        assertThat(Files.readAllBytes(v.root.resolve("big.bin"))).isEqualTo(data);
        assertThat(p.snapshot().bytesDone()).isEqualTo(data.length);
    }
}

package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.CompressOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deny and read-only rules on every operation, and who owns what the jail creates. */
class RulesAndOwnershipTest {
    @TempDir
    Path tmp;
    Volume v;
    ServerFiles files;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        v.write("server.jar", "jar");
        v.write("secrets/token.key", "key");
        v.write("plugins/a.jar", "a");
        v.write("plugins/config.yml", "c");
        v.write("world/level.dat", "level");
        Files.createSymbolicLink(v.root.resolve("alias"), Path.of("secrets"));
        files = v.files(List.of("secrets/", "*.key"), List.of("/server.jar", "plugins/*.jar"));
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    @Test
    void deniedPathsAreHiddenAndUnreadable() throws IOException {
        assertThat(files.list("/").entries()).extracting(FileEntry::name).doesNotContain("secrets").contains("server.jar", "alias");
        assertThatThrownBy(() -> files.openRead("secrets/token.key")).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.list("secrets")).isInstanceOf(DeniedException.class);
        assertThat(files.search("/", "token", 8, 10, Progress.none()).found()).isEmpty();
    }

    @Test
    void aLinkToADeniedPathIsDeniedToo() {
        assertThatThrownBy(() -> files.openRead("alias/token.key")).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.list("alias")).isInstanceOf(DeniedException.class);
    }

    @Test
    void readOnlyPathsCanBeReadButNotChanged() throws IOException {
        try (ReadableFile r = files.openRead("server.jar")) {
            assertThat(r.stream().readAllBytes()).isEqualTo("jar".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> files.write("server.jar", "x".getBytes(StandardCharsets.UTF_8))).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.delete(List.of("server.jar"), Progress.none())).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.move(List.of(new Move("server.jar", "s.jar")))).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.move(List.of(new Move("world/level.dat", "server.jar")))).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.chmod(List.of(new ModeChange("server.jar", 0777)))).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> files.copy("world/level.dat", "plugins/b.jar", Progress.none())).isInstanceOf(DeniedException.class);
        assertThat(v.read("server.jar")).isEqualTo("jar");
    }

    @Test
    void aDirectoryHoldingAProtectedPathIsNeitherDeletedNorMovedAtAll() {
        assertThatThrownBy(() -> files.delete(List.of("world", "plugins"), Progress.none())).isInstanceOf(DeniedException.class);
        assertThat(Files.exists(v.root.resolve("world/level.dat"))).as("nothing was deleted").isTrue();
        assertThat(Files.exists(v.root.resolve("plugins/config.yml"))).isTrue();
        assertThatThrownBy(() -> files.move(List.of(new Move("plugins", "p2")))).isInstanceOf(DeniedException.class);
        assertThat(Files.exists(v.root.resolve("plugins/a.jar"))).isTrue();
    }

    @Test
    void compressionLeavesDeniedPathsOut() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveResult r = files.compressTo(List.of("/plugins", "/server.jar", "/world"), ArchiveFormat.TAR,
                CompressOptions.DEFAULTS, out, Progress.none());
        assertThat(r.files()).isEqualTo(4);
        assertThatThrownBy(() -> files.compressTo(List.of("/secrets"), ArchiveFormat.TAR, CompressOptions.DEFAULTS,
                new ByteArrayOutputStream(), Progress.none())).isInstanceOf(DeniedException.class);
    }

    @Test
    void extractionOverAProtectedPathIsRefusedBeforeWriting() throws IOException {
        Files.write(v.root.resolve("update.zip"), TestArchives.of().file("new.txt", "n").file("server.jar", "evil").zip());
        assertThatThrownBy(() -> files.decompress("update.zip", "/", Progress.none())).isInstanceOf(DeniedException.class);
        assertThat(Files.exists(v.root.resolve("new.txt"))).isFalse();
        assertThat(v.read("server.jar")).isEqualTo("jar");
        Files.write(v.root.resolve("sneaky.tar"), TestArchives.of().file("secrets/new.key", "k").tar());
        assertThatThrownBy(() -> files.decompress("sneaky.tar", "/", Progress.none())).isInstanceOf(DeniedException.class);
    }

    @Test
    void newFilesBelongToTheRootsOwner() throws IOException {
        Files.setAttribute(v.root, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(v.root, "unix:gid", 4343, LinkOption.NOFOLLOW_LINKS);
        ServerFiles f = v.files();
        f.write("made/by/raptor.txt", "x".getBytes(StandardCharsets.UTF_8));
        f.mkdirs("dir/sub");
        f.symlink("link", "made");
        f.copy("world", "world2", Progress.none());
        f.compress(List.of("world"), "w.tar.gz", ArchiveFormat.TAR_GZ, Progress.none());
        f.decompress("w.tar.gz", "restored", Progress.none());
        for (String p : List.of("made", "made/by", "made/by/raptor.txt", "dir", "dir/sub", "link", "world2", "world2/level.dat",
                "w.tar.gz", "restored", "restored/world", "restored/world/level.dat")) {
            Path path = v.root.resolve(p);
            assertThat(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(p).isEqualTo(4242);
            assertThat(Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(p).isEqualTo(4343);
        }
        assertThat(Files.getAttribute(v.root.resolve("world/level.dat"), "unix:uid")).as("existing files keep their owner").isEqualTo(0);
    }

    @Test
    void extractedFilesKeepTheirModeAndTheOwnersWriteAccess() throws IOException {
        Path f = v.write("tool", "t");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        ServerFiles all = v.files();
        all.compress(List.of("tool"), "t.tar", ArchiveFormat.TAR, Progress.none());
        all.decompress("t.tar", "x", Progress.none());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(v.root.resolve("x/tool"))))
                .isEqualTo("rwxr-xr-x");
    }
}

package dev.raptor.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one-name operations SFTP and FTP need: stat that follows, strict mkdir, remove, rename with replace, in-place opens. */
class TransferOperationsTest {
    @TempDir
    Path tmp;

    private Volume v;
    private ServerFiles files;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        files = v.files();
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void statFollowingALinkInsideDescribesItsTargetUnderTheLinksName() throws IOException {
        v.write("dir/file.txt", "12345");
        Files.createSymbolicLink(v.root.resolve("link"), Path.of("dir/file.txt"));

        FileEntry followed = files.stat("link", true);
        FileEntry itself = files.stat("link", false);

        assertThat(followed.name()).isEqualTo("link");
        assertThat(followed.type()).isEqualTo(FileType.FILE);
        assertThat(followed.size()).isEqualTo(5);
        assertThat(itself.type()).isEqualTo(FileType.SYMLINK);
    }

    @Test
    void statFollowingALinkOutIsRefused() throws IOException {
        Files.createSymbolicLink(v.root.resolve("etc"), Path.of("/etc"));

        assertThatThrownBy(() -> files.stat("etc", true)).isInstanceOf(PathOutsideRootException.class);
        assertThat(files.stat("etc", false).linkInside()).isFalse();
    }

    @Test
    void mkdirCreatesOneDirectoryAndRefusesAnExistingOneOrAMissingParent() throws IOException {
        files.mkdir("a");

        assertThat(Files.isDirectory(v.root.resolve("a"))).isTrue();
        assertThatThrownBy(() -> files.mkdir("a")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> files.mkdir("missing/b")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void removeTakesAFileOrAnEmptyDirectoryAndGivesTheBytesBack() throws IOException {
        v.write("d/f.txt", "1234567");

        assertThatThrownBy(() -> files.remove("d", true)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> files.remove("d", false)).isInstanceOf(NotAFileException.class);
        assertThatThrownBy(() -> files.remove("d/f.txt", true)).isInstanceOf(NotADirectoryException.class);
        assertThat(files.remove("d/f.txt", false)).isEqualTo(7);
        files.remove("d", true);

        assertThat(Files.exists(v.root.resolve("d"))).isFalse();
        assertThatThrownBy(() -> files.remove("d", true)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void removingALinkRemovesTheLinkNotItsTarget() throws IOException {
        v.write("target.txt", "keep");
        Files.createSymbolicLink(v.root.resolve("link"), Path.of("target.txt"));

        files.remove("link", false);

        assertThat(Files.exists(v.root.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(v.read("target.txt")).isEqualTo("keep");
    }

    @Test
    void renameWithoutReplaceRefusesAnExistingTarget() throws IOException {
        v.write("a.txt", "a");
        v.write("b.txt", "b");

        assertThatThrownBy(() -> files.rename("a.txt", "b.txt", false)).isInstanceOf(ConflictException.class);
        assertThat(v.read("b.txt")).isEqualTo("b");
    }

    @Test
    void renameWithReplaceSwapsTheTargetAtomically() throws IOException {
        v.write("a.txt", "new");
        v.write("b.txt", "old");

        files.rename("a.txt", "b.txt", true);

        assertThat(v.read("b.txt")).isEqualTo("new");
        assertThat(Files.exists(v.root.resolve("a.txt"))).isFalse();
    }

    @Test
    void renameWithReplaceNeverReplacesANonEmptyDirectory() throws IOException {
        Files.createDirectories(v.root.resolve("src"));
        v.write("dst/keep.txt", "k");

        assertThatThrownBy(() -> files.rename("src", "dst", true)).isInstanceOf(ConflictException.class);
        assertThat(v.read("dst/keep.txt")).isEqualTo("k");
    }

    @Test
    void renameReplacesALinkAtTheTargetWithoutWritingThroughIt() throws IOException {
        v.write("a.txt", "mine");
        Files.createSymbolicLink(v.root.resolve("link"), v.secret);

        files.rename("a.txt", "link", true);

        assertThat(Files.isSymbolicLink(v.root.resolve("link"))).isFalse();
        assertThat(v.read("link")).isEqualTo("mine");
        assertThat(v.outsideUntouched()).isTrue();
    }

    @Test
    void openInPlaceKeepsWhatIsThereSoAnUploadCanResume() throws IOException {
        v.write("big.bin", "first half|");

        try (WritableFile w = files.openInPlace("big.bin", OpenDisposition.OPEN_EXISTING)) {
            w.write(bytes("second half"), w.size());
        }

        assertThat(v.read("big.bin")).isEqualTo("first half|second half");
    }

    @Test
    void openInPlaceWithTruncationStartsOverAndLeavesPartialDataWhenAbandoned() throws IOException {
        v.write("f.txt", "a long old content");

        try (WritableFile w = files.openInPlace("f.txt", OpenDisposition.CREATE_OR_TRUNCATE)) {
            w.write(bytes("new"), 0);
        }

        assertThat(v.read("f.txt")).isEqualTo("new");
    }

    @Test
    void openInPlaceHonoursItsDisposition() throws IOException {
        v.write("exists.txt", "x");

        assertThatThrownBy(() -> files.openInPlace("missing.txt", OpenDisposition.OPEN_EXISTING)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> files.openInPlace("missing.txt", OpenDisposition.TRUNCATE_EXISTING)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> files.openInPlace("exists.txt", OpenDisposition.CREATE_NEW)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> files.openInPlace("nodir/f.txt", OpenDisposition.OPEN_OR_CREATE)).isInstanceOf(NotFoundException.class);
        files.openInPlace("created.txt", OpenDisposition.CREATE_NEW).close();

        assertThat(Files.isRegularFile(v.root.resolve("created.txt"))).isTrue();
    }

    @Test
    void anInPlaceWritePastTheQuotaIsRefusedAndNothingOfItLands() throws IOException {
        ServerFiles limited = v.files(1000);
        v.volumes.diskUsage().requestScan(v.id).join();

        try (WritableFile w = limited.openInPlace("f.bin", OpenDisposition.CREATE_OR_TRUNCATE)) {
            w.write(ByteBuffer.allocate(600), 0);
            assertThatThrownBy(() -> w.write(ByteBuffer.allocate(600), 600)).isInstanceOf(QuotaExceededException.class);
        }

        assertThat(Files.size(v.root.resolve("f.bin"))).isEqualTo(600);
    }

    @Test
    void truncatingInPlaceGivesTheRoomBack() throws IOException {
        ServerFiles limited = v.files(1000);
        v.write("f.bin", "x".repeat(900));
        v.volumes.diskUsage().requestScan(v.id).join();

        try (WritableFile w = limited.openInPlace("f.bin", OpenDisposition.CREATE_OR_TRUNCATE)) {
            w.write(ByteBuffer.allocate(950), 0);
        }

        assertThat(Files.size(v.root.resolve("f.bin"))).isEqualTo(950);
    }

    @Test
    void readOnlyRulesRefuseTheOneNameOperations() throws IOException {
        v.write("server.jar", "jar");
        ServerFiles ruled = v.files(List.of(), List.of("/server.jar"));

        assertThatThrownBy(() -> ruled.remove("server.jar", false)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> ruled.rename("server.jar", "x.jar", false)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> ruled.openInPlace("server.jar", OpenDisposition.OPEN_EXISTING)).isInstanceOf(DeniedException.class);
        v.write("other.jar", "o");
        assertThatThrownBy(() -> ruled.rename("other.jar", "server.jar", true)).isInstanceOf(DeniedException.class);
        assertThat(v.read("server.jar")).isEqualTo("jar");
    }
}

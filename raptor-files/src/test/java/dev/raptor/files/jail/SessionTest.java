package dev.raptor.files.jail;

import dev.raptor.files.PathOutsideRootException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTest {
    @TempDir
    Path tmp;

    @Test
    void aResolvedPathKeepsItsDirectoryAfterTheSessionCloses() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Resolved r;
        try (Session s = new Jail(root).open()) {
            r = s.resolve(JailPath.of("a.txt"), false);
        }
        try (r) {
            // an open write keeps its Resolved past the session: its directory must still be its own descriptor
            assertThat(Files.readSymbolicLink(Path.of(r.parent().procPath()))).isEqualTo(root.toRealPath());
        }
    }

    @Test
    void theRealPathFollowsInsideLinks() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("data/world"));
        Files.createSymbolicLink(root.resolve("w"), Path.of("data/world"));
        Files.createSymbolicLink(root.resolve("data/up"), Path.of(".."));
        try (Session s = new Jail(root).open();
             Resolved r = s.resolve(JailPath.of("w/level.dat"), true);
             Resolved up = s.resolve(JailPath.of("data/up/w"), true)) {
            assertThat(r.real()).hasToString("/data/world/level.dat");
            assertThat(r.asked()).hasToString("/w/level.dat");
            assertThat(up.real()).hasToString("/data/world");
            assertThat(up.stat().isDirectory()).isTrue();
        }
    }

    @Test
    void aLinkClimbingAboveTheRootThroughItsOwnParentIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/up"), Path.of("../.."));
        try (Session s = new Jail(root).open()) {
            assertThatThrownBy(() -> s.resolve(JailPath.of("a/up"), true)).isInstanceOf(PathOutsideRootException.class);
            assertThat(s.linkStaysInside(JailPath.of("a/up"))).isFalse();
        }
    }

    @Test
    void writeThroughADescriptorPutsExactlyTheGivenRangesInOrderEvenBeyondItsNativeBuffer() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        byte[] content = new byte[5 * 1024 * 1024 / 2 + 7]; // more than one native buffer, and not a multiple of it
        new Random(7).nextBytes(content);
        try (Session s = new Jail(root).open();
             Fd fd = s.createExclusive(s.root(), "f.bin".getBytes(), 0600, "/f.bin")) {
            s.write(fd, content, 3, 1024 * 1024 + 1, "/f.bin");
            s.write(fd, content, 3 + 1024 * 1024 + 1, content.length - 10 - (1024 * 1024 + 1), "/f.bin");
        }
        assertThat(Files.readAllBytes(root.resolve("f.bin"))).isEqualTo(Arrays.copyOfRange(content, 3, content.length - 7));
    }

    @Test
    void aWriteTheKernelRefusesFailsNamingThePath() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.write(root.resolve("f.bin"), new byte[]{1});
        try (Session s = new Jail(root).open();
             Resolved r = s.resolve(JailPath.of("f.bin"), false);
             Fd pathOnly = s.openPath(r)) { // O_PATH: write(2) answers EBADF
            assertThatThrownBy(() -> s.write(pathOnly, new byte[]{2}, 0, 1, "/f.bin"))
                    .isInstanceOf(IOException.class).hasMessageContaining("/f.bin");
        }
        assertThat(Files.readAllBytes(root.resolve("f.bin"))).containsExactly(1);
    }

    @Test
    void theTimesOfAnOpenFileAreSetThroughItsDescriptorToTheNanosecond() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Instant when = Instant.parse("2021-03-04T05:06:07.123456789Z");
        try (Session s = new Jail(root).open();
             Fd fd = s.createExclusive(s.root(), "f.bin".getBytes(), 0600, "/f.bin")) {
            s.write(fd, new byte[]{1, 2, 3}, 0, 3, "/f.bin");
            s.setOpenFileModified(fd, when, "/f.bin");
        }
        var attrs = Files.getFileAttributeView(root.resolve("f.bin"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        assertThat(attrs.lastModifiedTime()).isEqualTo(FileTime.from(when));
        assertThat(attrs.lastAccessTime()).isEqualTo(FileTime.from(when));
    }
}

package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.jail.LinuxCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile server flips {@code src/sub} between a real directory and a link to the outside directory, as fast
 * as it can ({@code renameat2(RENAME_EXCHANGE)}, atomic), while the jail copies, reads, writes, lists, chmods,
 * compresses and deletes through it. Whatever interleaving happens, nothing outside is read, written, changed
 * or deleted.
 */
class RaceTest {
    private static final int ROUNDS = 150;

    @TempDir
    Path tmp;
    Volume v;
    ServerFiles files;
    Thread flipper;
    final AtomicBoolean flipping = new AtomicBoolean(true);
    final AtomicLong flips = new AtomicLong();

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        files = v.files();
        Files.write(v.outside.resolve("file.txt"), "OUTSIDE".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(v.outside.resolve("file.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        plantFlippingDirectory();
        flipper = Thread.ofPlatform().name("flipper").start(this::flip);
    }

    private void plantFlippingDirectory() throws IOException {
        Files.createDirectories(v.root.resolve("src/sub"));
        Files.writeString(v.root.resolve("src/sub/file.txt"), "inside");
        Files.writeString(v.root.resolve("src/top.txt"), "top");
        if (!Files.exists(v.root.resolve("src/alt"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(v.root.resolve("src/alt"), v.outside);
        }
    }

    private void flip() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LinuxCalls.errnoState(arena);
            MemorySegment sub = arena.allocateFrom(v.root.resolve("src/sub").toString());
            MemorySegment alt = arena.allocateFrom(v.root.resolve("src/alt").toString());
            while (flipping.get()) {
                if (LinuxCalls.renameat2(state, LinuxCalls.AT_FDCWD, sub, LinuxCalls.AT_FDCWD, alt, 2 /* RENAME_EXCHANGE */) == 0) {
                    flips.incrementAndGet();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        flipping.set(false);
        flipper.join();
        try {
            assertThat(flips.get()).as("the flipper really flipped").isPositive();
            assertThat(Files.readString(v.outside.resolve("file.txt"))).isEqualTo("OUTSIDE");
            assertThat(Files.readString(v.secret)).isEqualTo(Volume.SECRET);
            try (Stream<Path> s = Files.list(v.outside)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("secret.txt", "file.txt");
            }
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(v.outside.resolve("file.txt"))))
                    .isEqualTo("rw-r--r--");
        } finally {
            v.close();
        }
    }

    private void noOutsideContentIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p)) {
                    assertThat(p.toRealPath().startsWith(v.root.toRealPath())).as("link %s stays inside", p).isTrue();
                } else if (Files.isRegularFile(p)) {
                    assertThat(Files.readString(p)).doesNotContain("OUTSIDE").doesNotContain(Volume.SECRET);
                }
            }
        }
    }

    @Test
    void copyingThroughAFlippingDirectoryNeverCopiesTheOutside() throws IOException {
        for (int i = 0; i < ROUNDS; i++) {
            try {
                files.copy("src", "copy" + i, Progress.none());
            } catch (FilesException expected) {
                // a refusal is fine; an escape is not
            }
        }
        try (Stream<Path> copies = Files.list(v.root)) {
            for (Path copy : copies.filter(p -> p.getFileName().toString().startsWith("copy")).toList()) {
                noOutsideContentIn(copy);
            }
        }
    }

    @Test
    void readingThroughAFlippingDirectoryNeverReadsTheOutside() throws IOException {
        int inside = 0;
        for (int i = 0; i < ROUNDS * 4; i++) {
            try (ReadableFile r = files.openRead("src/sub/file.txt")) {
                assertThat(new String(r.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("inside");
                inside++;
            } catch (PathOutsideRootException | NotFoundException | BadPathException expected) {
                // the link was in place
            }
            try {
                assertThat(files.list("src/sub").entries()).extracting(FileEntry::name).containsExactly("file.txt");
            } catch (PathOutsideRootException | NotFoundException | NotADirectoryException | BadPathException expected) {
                // the link was in place
            }
        }
        assertThat(inside).as("some reads found the real directory").isPositive();
    }

    @Test
    void writingThroughAFlippingDirectoryNeverWritesOutside() {
        for (int i = 0; i < ROUNDS * 2; i++) {
            try {
                files.write("src/sub/new" + i + ".txt", "x".getBytes(StandardCharsets.UTF_8));
            } catch (IOException expected) {
                // refused or raced: fine
            }
            try {
                files.mkdirs("src/sub/dir" + i);
            } catch (IOException expected) {
                // refused or raced: fine
            }
        }
    }

    @Test
    void chmodThroughAFlippingDirectoryNeverChangesTheOutside() {
        for (int i = 0; i < ROUNDS * 2; i++) {
            try {
                files.chmod(List.of(new ModeChange("src/sub/file.txt", 0777)));
            } catch (IOException expected) {
                // refused or raced: fine
            }
        }
    }

    @Test
    void compressingAFlippingDirectoryNeverArchivesTheOutside() {
        for (int i = 0; i < ROUNDS; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                files.compressTo(List.of("src"), ArchiveFormat.TAR, CompressOptions.DEFAULTS, out, Progress.none());
            } catch (IOException expected) {
                continue;
            }
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).doesNotContain("OUTSIDE").doesNotContain(Volume.SECRET);
        }
    }

    @Test
    void deletingAFlippingDirectoryNeverDeletesTheOutside() throws IOException {
        for (int i = 0; i < ROUNDS; i++) {
            try {
                files.delete(List.of("src"), Progress.none());
            } catch (IOException expected) {
                // raced: fine
            }
            flipping.set(false);
            try {
                flipper.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (Files.exists(v.root.resolve("src"), LinkOption.NOFOLLOW_LINKS)) {
                TreeDeleteHelper.rmTree(v.root.resolve("src"));
            }
            assertThat(Files.readString(v.outside.resolve("file.txt"))).isEqualTo("OUTSIDE");
            plantFlippingDirectory();
            flipping.set(true);
            flipper = Thread.ofPlatform().name("flipper").start(this::flip);
        }
    }

    /** Removes a tree without following links (test cleanup). */
    static final class TreeDeleteHelper {
        static void rmTree(Path p) throws IOException {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path c : s.toList()) {
                        rmTree(c);
                    }
                }
            }
            Files.delete(p);
        }
    }
}

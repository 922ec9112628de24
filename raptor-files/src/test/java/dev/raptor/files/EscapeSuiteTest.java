package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The escape suite: every operation of the jail against every way out a user or a game server could try.
 * Each case gets a fresh volume whose root holds the traps below and, beside the volumes, an {@code outside/}
 * directory with {@code secret.txt}. A case passes when the operation is refused with the expected typed
 * exception (a message fit for a 4xx problem) or, where the operation is allowed, stays inside; and in every
 * case the outside directory is exactly as it was and no byte of the secret came back.
 *
 * <pre>
 *   out        -> /…/outside                 (absolute link out)
 *   out-rel    -> ../../outside              (relative link out)
 *   secret-link-> /…/outside/secret.txt
 *   chain      -> chain2 -> ../../outside/secret.txt
 *   new-out    -> ../../outside/new.txt      (dangling, pointing out)
 *   proc-link  -> /proc/self/root/etc/passwd
 *   loop-a <-> loop-b, dangling -> nowhere
 *   hard       (hard link to outside/secret.txt; the root belongs to uid 4242, as a process-runtime server's)
 *   fifo, zero (a FIFO, the character device 1:5)
 *   dir/file.txt, in-link -> dir
 * </pre>
 */
class EscapeSuiteTest {
    @TempDir
    Path tmp;

    private record Case(String name, Attack attack) {
    }

    @FunctionalInterface
    private interface Attack {
        void run(Volume v, ServerFiles f) throws Exception;
    }

    private static Case refused(String name, Class<? extends FilesException> type, Attack op) {
        return new Case(name, (v, f) -> assertThatThrownBy(() -> op.run(v, f))
                .isInstanceOf(type)
                .satisfies(e -> {
                    FilesException fe = (FilesException) e;
                    assertThat(fe.getMessage()).isNotBlank().doesNotContain(v.root.toString());
                    assertThat(fe.problem()).isNotBlank();
                }));
    }

    private static Case contained(String name, Attack op) {
        return new Case(name, op);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String readAll(ServerFiles f, String path) throws IOException {
        try (ReadableFile r = f.openRead(path)) {
            return new String(r.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // --- traversal and absolute paths
        c.add(refused("list ../", PathOutsideRootException.class, (v, f) -> f.list("../")));
        c.add(refused("list /..", PathOutsideRootException.class, (v, f) -> f.list("/..")));
        c.add(refused("list dir/../../", PathOutsideRootException.class, (v, f) -> f.list("dir/../../")));
        c.add(refused("read ../outside/secret.txt", PathOutsideRootException.class, (v, f) -> f.openRead("../outside/secret.txt")));
        c.add(refused("read ../../../../etc/passwd", PathOutsideRootException.class, (v, f) -> f.openRead("../../../../etc/passwd")));
        c.add(refused("read /etc/passwd is the root's etc/passwd", NotFoundException.class, (v, f) -> f.openRead("/etc/passwd")));
        c.add(refused("read the host path of the secret", NotFoundException.class, (v, f) -> f.openRead(v.secret.toString())));
        c.add(refused("read proc/self/root/etc/passwd lexically", NotFoundException.class, (v, f) -> f.openRead("proc/self/root/etc/passwd")));
        c.add(refused("write ../escape.txt", PathOutsideRootException.class, (v, f) -> f.write("../escape.txt", bytes("x"))));
        c.add(refused("mkdir ../x", PathOutsideRootException.class, (v, f) -> f.mkdirs("../x")));
        c.add(refused("delete ../outside", PathOutsideRootException.class, (v, f) -> f.delete(List.of("../outside"), Progress.none())));
        c.add(refused("move dir to ../escaped", PathOutsideRootException.class, (v, f) -> f.move(List.of(new Move("dir", "../escaped")))));
        c.add(refused("copy to ../copy", PathOutsideRootException.class, (v, f) -> f.copy("dir/file.txt", "../copy.txt", Progress.none())));
        c.add(refused("search ../", PathOutsideRootException.class, (v, f) -> f.search("../", "secret", 4, 10, Progress.none())));
        // --- links pointing out
        c.add(refused("list an absolute link out", PathOutsideRootException.class, (v, f) -> f.list("out")));
        c.add(refused("list a relative link out", PathOutsideRootException.class, (v, f) -> f.list("out-rel")));
        c.add(refused("list /proc/self/root through a link", PathOutsideRootException.class, (v, f) -> f.list("proc-link")));
        c.add(refused("read through an absolute link out", PathOutsideRootException.class, (v, f) -> f.openRead("out/secret.txt")));
        c.add(refused("read through a relative link out", PathOutsideRootException.class, (v, f) -> f.openRead("out-rel/secret.txt")));
        c.add(refused("read a link to the secret", PathOutsideRootException.class, (v, f) -> f.openRead("secret-link")));
        c.add(refused("read a chain of links ending out", PathOutsideRootException.class, (v, f) -> f.openRead("chain")));
        c.add(refused("read a link to /proc/self/root", PathOutsideRootException.class, (v, f) -> f.openRead("proc-link")));
        c.add(refused("read a link loop", BadPathException.class, (v, f) -> f.openRead("loop-a")));
        c.add(refused("read a dangling link", NotFoundException.class, (v, f) -> f.openRead("dangling")));
        c.add(refused("write through a link out", PathOutsideRootException.class, (v, f) -> f.write("out/new.txt", bytes("x"))));
        c.add(refused("write over a link to the secret", PathOutsideRootException.class, (v, f) -> f.write("secret-link", bytes("pwned"))));
        c.add(refused("write through a dangling link out", PathOutsideRootException.class, (v, f) -> f.write("new-out", bytes("x"))));
        c.add(refused("write in place through a link out", PathOutsideRootException.class, (v, f) -> f.openWrite("secret-link", WriteMode.IN_PLACE, -1)));
        c.add(refused("mkdir through a link out", PathOutsideRootException.class, (v, f) -> f.mkdirs("out/newdir")));
        c.add(refused("delete through a link out", PathOutsideRootException.class, (v, f) -> f.delete(List.of("out/secret.txt"), Progress.none())));
        c.add(refused("move out of a link out", PathOutsideRootException.class, (v, f) -> f.move(List.of(new Move("out/secret.txt", "stolen.txt")))));
        c.add(refused("move into a link out", PathOutsideRootException.class, (v, f) -> f.move(List.of(new Move("dir/file.txt", "out-rel/file.txt")))));
        c.add(refused("copy through a link out", PathOutsideRootException.class, (v, f) -> f.copy("out/secret.txt", "stolen.txt", Progress.none())));
        c.add(refused("copy a link to the secret", PathOutsideRootException.class, (v, f) -> f.copy("secret-link", "stolen.txt", Progress.none())));
        c.add(refused("copy into a link out", PathOutsideRootException.class, (v, f) -> f.copy("dir", "out/dir", Progress.none())));
        c.add(refused("chmod through a link out", PathOutsideRootException.class, (v, f) -> f.chmod(List.of(new ModeChange("out/secret.txt", 0777)))));
        c.add(refused("chmod a link (never followed)", NotAFileException.class, (v, f) -> f.chmod(List.of(new ModeChange("secret-link", 0777)))));
        c.add(refused("chmod an inside link (never followed)", NotAFileException.class, (v, f) -> f.chmod(List.of(new ModeChange("in-link", 0777)))));
        c.add(refused("set the time through a link", NotAFileException.class, (v, f) -> f.setModified("secret-link", java.time.Instant.EPOCH)));
        // --- the one-name operations SFTP and FTP use
        c.add(refused("stat following a link out", PathOutsideRootException.class, (v, f) -> f.stat("out", true)));
        c.add(refused("stat following a link to /proc/self/root", PathOutsideRootException.class, (v, f) -> f.stat("proc-link", true)));
        c.add(refused("open in place through a link out", PathOutsideRootException.class, (v, f) -> f.openInPlace("secret-link", OpenDisposition.OPEN_EXISTING)));
        c.add(refused("truncate through a link out", PathOutsideRootException.class, (v, f) -> f.openInPlace("chain", OpenDisposition.CREATE_OR_TRUNCATE)));
        c.add(refused("create through a dangling link out", PathOutsideRootException.class, (v, f) -> f.openInPlace("new-out", OpenDisposition.OPEN_OR_CREATE)));
        c.add(refused("create in a directory behind a link out", PathOutsideRootException.class, (v, f) -> f.openInPlace("out/new.txt", OpenDisposition.CREATE_NEW)));
        c.add(refused("open in place into a hard link", DeniedException.class, (v, f) -> f.openInPlace("hard", OpenDisposition.OPEN_EXISTING)));
        c.add(refused("open in place a FIFO", NotAFileException.class, (v, f) -> f.openInPlace("fifo", OpenDisposition.OPEN_EXISTING)));
        c.add(refused("mkdir one behind a link out", PathOutsideRootException.class, (v, f) -> f.mkdir("out/newdir")));
        c.add(refused("mkdir one above the root", PathOutsideRootException.class, (v, f) -> f.mkdir("../newdir")));
        c.add(refused("remove one behind a link out", PathOutsideRootException.class, (v, f) -> f.remove("out/secret.txt", false)));
        c.add(refused("rmdir of a link out (never followed)", NotADirectoryException.class, (v, f) -> f.remove("out-rel", true)));
        c.add(refused("rmdir inside a link out", PathOutsideRootException.class, (v, f) -> f.remove("out-rel/x", true)));
        c.add(refused("rename out of a link out", PathOutsideRootException.class, (v, f) -> f.rename("out/secret.txt", "stolen.txt", false)));
        c.add(refused("rename replacing into a link out", PathOutsideRootException.class, (v, f) -> f.rename("dir/file.txt", "out/secret.txt", true)));
        c.add(contained("remove a link out removes only the link", (v, f) -> {
            f.remove("secret-link", false);
            assertThat(Files.exists(v.root.resolve("secret-link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        }));
        c.add(contained("rename over a link out replaces the link, not the secret", (v, f) -> {
            f.rename("dir/file.txt", "secret-link", true);
            assertThat(v.read("secret-link")).isEqualTo("inside");
        }));
        c.add(refused("search through a link out", PathOutsideRootException.class, (v, f) -> f.search("out", "secret", 4, 10, Progress.none())));
        c.add(refused("create a link pointing out", PathOutsideRootException.class, (v, f) -> f.symlink("evil", "../../outside/secret.txt")));
        c.add(refused("create an absolute link", PathOutsideRootException.class, (v, f) -> f.symlink("evil", v.secret.toString())));
        c.add(refused("compress into a link out", PathOutsideRootException.class, (v, f) -> f.compress(List.of("dir"), "out/a.zip", ArchiveFormat.ZIP, Progress.none())));
        c.add(refused("decompress into a link out", PathOutsideRootException.class, (v, f) -> {
            v.write("a.tar", "");
            Files.write(v.root.resolve("a.tar"), TestArchives.of().file("x.txt", "x").tar());
            f.decompress("a.tar", "out", Progress.none());
        }));
        c.add(refused("decompress an archive behind a link out", PathOutsideRootException.class, (v, f) -> f.decompress("out/secret.txt", "/", Progress.none())));
        c.add(contained("stat a link out describes the link", (v, f) -> {
            FileEntry e = f.stat("out");
            assertThat(e.type()).isEqualTo(FileType.SYMLINK);
            assertThat(e.linkInside()).isFalse();
        }));
        c.add(contained("delete a link out removes only the link", (v, f) -> {
            f.delete(List.of("out", "secret-link", "out-rel"), Progress.none());
            assertThat(Files.exists(v.root.resolve("out"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        }));
        c.add(contained("search never walks into a link out", (v, f) -> {
            SearchResult r = f.search("/", "secret", 8, 100, Progress.none());
            assertThat(r.found()).extracting(FoundFile::path).containsExactly("/secret-link");
        }));
        c.add(contained("compress leaves links out out and never reads through them", (v, f) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArchiveResult r = f.compressTo(List.of("/out", "/out-rel", "/secret-link", "/chain", "/dir"), ArchiveFormat.TAR,
                    dev.raptor.files.archive.CompressOptions.DEFAULTS, out, Progress.none());
            assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(Volume.SECRET);
            assertThat(r.skipped()).contains("/out", "/out-rel", "/secret-link", "/chain");
        }));
        c.add(contained("copy of a tree holding links out copies none of them", (v, f) -> {
            Files.createSymbolicLink(v.root.resolve("dir/up"), Path.of("../../../outside"));
            CopyResult r = f.copy("dir", "dir2", Progress.none());
            assertThat(r.skipped()).containsExactly("/dir/up");
            assertThat(Files.exists(v.root.resolve("dir2/up"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        }));
        // --- hard links and special files
        c.add(refused("read a hard link to someone else's file", DeniedException.class, (v, f) -> f.openRead("hard")));
        c.add(refused("chmod a hard link", DeniedException.class, (v, f) -> f.chmod(List.of(new ModeChange("hard", 0777)))));
        c.add(refused("write in place into a hard link", DeniedException.class, (v, f) -> f.openWrite("hard", WriteMode.IN_PLACE, -1)));
        c.add(refused("copy a hard link to someone else's file", DeniedException.class, (v, f) -> f.copy("hard", "h2", Progress.none())));
        c.add(contained("replacing a hard link leaves its other name alone", (v, f) -> {
            f.write("hard", bytes("replaced"));
            assertThat(v.read("hard")).isEqualTo("replaced");
        }));
        c.add(refused("read a FIFO (without blocking)", NotAFileException.class, (v, f) -> f.openRead("fifo")));
        c.add(refused("write in place into a FIFO", NotAFileException.class, (v, f) -> f.openWrite("fifo", WriteMode.IN_PLACE, -1)));
        c.add(refused("replace a FIFO", NotAFileException.class, (v, f) -> f.write("fifo", bytes("x"))));
        c.add(refused("read a device", NotAFileException.class, (v, f) -> f.openRead("zero")));
        c.add(refused("chmod a device", NotAFileException.class, (v, f) -> f.chmod(List.of(new ModeChange("zero", 0666)))));
        c.add(refused("copy a device", NotAFileException.class, (v, f) -> f.copy("zero", "zero2", Progress.none())));
        c.add(refused("decompress a FIFO (without blocking)", NotAFileException.class, (v, f) -> f.decompress("fifo", "/", Progress.none())));
        // --- archives
        c.add(refused("zip-slip in a tar", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().file("../../outside/evil.txt", "x").tar())));
        c.add(refused("zip-slip in a zip", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().file("ok.txt", "ok").file("a/../../evil.txt", "x").zip())));
        c.add(refused("tar link entry to an absolute path", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().symlink("etc", "/etc").tar())));
        c.add(refused("tar link entry climbing out", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().symlink("up", "../../..").tar())));
        c.add(refused("zip link entry climbing out", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().symlink("up", "../../outside/secret.txt").zip())));
        c.add(refused("tar entry written through a link entry", BadArchiveException.class, (v, f) -> extract(v, f,
                TestArchives.of().dir("sub").symlink("a", "sub").file("a/evil.txt", "x").tar())));
        c.add(refused("tar hard link entry out", PathOutsideRootException.class, (v, f) -> extract(v, f, TestArchives.of().hardlink("h", "../../outside/secret.txt").tar())));
        c.add(refused("tar hard link entry to a host file", BadArchiveException.class, (v, f) -> extract(v, f, TestArchives.of().hardlink("h", "/etc/passwd").tar())));
        c.add(contained("tar entries with absolute names land inside", (v, f) -> {
            extract(v, f, TestArchives.of().file("/etc/cron.d/evil", "x").tar());
            assertThat(v.read("x/etc/cron.d/evil")).isEqualTo("x");
        }));
        c.add(contained("a FIFO entry is skipped", (v, f) -> {
            ExtractResult r = extract(v, f, TestArchives.of().fifo("pipe").file("ok", "ok").tar());
            assertThat(r.skipped()).containsExactly("/pipe");
        }));
        // --- names
        c.add(refused("a NUL in a name", BadPathException.class, (v, f) -> f.write("a\0b", bytes("x"))));
        c.add(refused("a newline in a new name", BadPathException.class, (v, f) -> f.write("a\nb", bytes("x"))));
        c.add(refused("a newline in a new directory", BadPathException.class, (v, f) -> f.mkdirs("d\nx")));
        c.add(refused("a newline in a move target", BadPathException.class, (v, f) -> f.move(List.of(new Move("dir", "d\ne")))));
        c.add(refused("a name longer than 255 bytes", BadPathException.class, (v, f) -> f.write("x".repeat(256), bytes("x"))));
        c.add(refused("a path longer than 4095 bytes", BadPathException.class, (v, f) -> f.write("abc/".repeat(1100), bytes("x"))));
        c.add(refused("a lone surrogate", BadPathException.class, (v, f) -> f.write("bad\uD800name", bytes("x"))));
        c.add(refused("a 255-byte name of 2-byte characters plus one", BadPathException.class, (v, f) -> f.mkdirs("é".repeat(128))));
        c.add(contained("unicode names work", (v, f) -> {
            f.write("wörld-世界-🎮.txt", bytes("ok"));
            assertThat(readAll(f, "/wörld-世界-🎮.txt")).isEqualTo("ok");
            assertThat(f.list("/").entries()).extracting(FileEntry::name).contains("wörld-世界-🎮.txt");
        }));
        c.add(contained("an existing name with a newline can be read and deleted", (v, f) -> {
            Files.writeString(v.root.resolve("made\nby-server"), "s");
            assertThat(readAll(f, "made\nby-server")).isEqualTo("s");
            f.delete(List.of("made\nby-server"), Progress.none());
        }));
        // --- the root itself
        c.add(refused("delete the root", BadPathException.class, (v, f) -> f.delete(List.of("/"), Progress.none())));
        c.add(refused("move the root", BadPathException.class, (v, f) -> f.move(List.of(new Move("/", "x")))));
        c.add(refused("chmod the root", BadPathException.class, (v, f) -> f.chmod(List.of(new ModeChange("/", 0777)))));
        c.add(refused("write the root", BadPathException.class, (v, f) -> f.write("/", bytes("x"))));
        return c;
    }

    private static ExtractResult extract(Volume v, ServerFiles f, byte[] archive) throws IOException {
        Files.write(v.root.resolve("evil.archive"), archive);
        try {
            return f.decompress("evil.archive", "x", Progress.none());
        } finally {
            assertThat(Files.exists(v.tmp.resolve("evil.txt"))).isFalse();
            assertThat(Files.exists(v.tmp.resolve("volumes/evil.txt"))).isFalse();
        }
    }

    @TestFactory
    Stream<DynamicTest> noOperationLeavesTheRoot() {
        List<Case> all = cases();
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        return all.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path dir = Files.createTempDirectory(tmp, "case");
            try (Volume v = new Volume(dir)) {
                plant(v);
                c.attack().run(v, v.files());
                assertThat(v.outsideUntouched()).as("outside/ is untouched").isTrue();
                try (var s = Files.list(dir.resolve("volumes"))) {
                    assertThat(s.toList()).as("nothing appeared beside the volume").containsExactly(v.root);
                }
                try (var s = Files.walk(v.root)) {
                    assertThat(s.filter(p -> p.getFileName().toString().startsWith(".raptor-")).toList())
                            .as("no temporary file is left").isEmpty();
                }
            }
        }));
    }

    /** What a hostile game server leaves in its root. */
    static void plant(Volume v) throws IOException, InterruptedException {
        Path r = v.root;
        Files.createDirectories(r.resolve("dir"));
        Files.writeString(r.resolve("dir/file.txt"), "inside");
        Files.createSymbolicLink(r.resolve("in-link"), Path.of("dir"));
        Files.createSymbolicLink(r.resolve("out"), v.outside);
        Files.createSymbolicLink(r.resolve("out-rel"), Path.of("../../outside"));
        Files.createSymbolicLink(r.resolve("secret-link"), v.secret);
        Files.createSymbolicLink(r.resolve("chain"), Path.of("chain2"));
        Files.createSymbolicLink(r.resolve("chain2"), Path.of("../../outside/secret.txt"));
        Files.createSymbolicLink(r.resolve("new-out"), Path.of("../../outside/new.txt"));
        Files.createSymbolicLink(r.resolve("proc-link"), Path.of("/proc/self/root/etc/passwd"));
        Files.createSymbolicLink(r.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(r.resolve("loop-b"), Path.of("loop-a"));
        Files.createSymbolicLink(r.resolve("dangling"), Path.of("nowhere"));
        Files.createLink(r.resolve("hard"), v.secret);
        run("mkfifo", r.resolve("fifo").toString());
        run("mknod", r.resolve("zero").toString(), "c", "1", "5");
        // The server's user owns its root (as with the process runtime); the secret stays root's.
        Files.setAttribute(r, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(r, "unix:gid", 4242, LinkOption.NOFOLLOW_LINKS);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (the suite runs as root, as CI does): " + out);
        }
    }
}

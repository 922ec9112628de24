package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The escape suite through HTTP, against every file route: traversal, absolute paths, links out (to a directory, to
 * a file, dangling, looping), a hard link to a file outside, names with NUL, newline, 300 bytes, archives with
 * zip-slip and link entries, chmod through a link. Each refusal must be a 4xx problem, and afterwards nothing
 * outside the server's root may have changed, appeared or been read out.
 */
class FileEscapeApiTest {
    private static final String SECRET = "outside secret: never served";

    @TempDir
    static Path dir;
    static TestNode node;
    static FileApi api;
    static Path outside;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        node = TestNode.start(dir);
        api = new FileApi(node, node.create(TestNode.gameServer("escape", 0)));
        outside = Files.createDirectories(node.dataDir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(outside.resolve("other-owner.txt"), SECRET);
        Files.setAttribute(outside.resolve("other-owner.txt"), "unix:uid", 12345); // a file the server's user could not read

        api.put("/plain.txt", "plain".getBytes(StandardCharsets.UTF_8));
        api.post("directory", "{\"path\": \"/dir/sub\"}");
        Path root = api.root();
        Files.createSymbolicLink(root.resolve("out-dir"), outside);
        Files.createSymbolicLink(root.resolve("out-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("out-relative"), Path.of("../../outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-there"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("in-dir"), Path.of("dir"));
        Files.createLink(root.resolve("hard"), outside.resolve("other-owner.txt"));
        new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).inheritIO().start().waitFor();
        Files.write(root.resolve("slip.zip"), zip("../../escaped-by-zip.txt"));
        Files.write(root.resolve("abs.zip"), zip("/tmp/escaped-absolute.txt"));
        Files.write(root.resolve("link.tar"), tar(true));
        Files.write(root.resolve("hardlink.tar"), tar(false));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static byte[] zip(String entryName) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            z.putArchiveEntry(new ZipArchiveEntry(entryName));
            z.write("zip-slip".getBytes(StandardCharsets.UTF_8));
            z.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    /** A tar whose entry is a symbolic link to the outside directory, or a hard link to a file outside. */
    private static byte[] tar(boolean symbolic) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("evil", symbolic ? TarArchiveEntry.LF_SYMLINK : TarArchiveEntry.LF_LINK);
            e.setLinkName(symbolic ? outside.toString() : "../../outside/secret.txt");
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
            TarArchiveEntry through = new TarArchiveEntry("evil/planted.txt");
            byte[] b = "planted".getBytes(StandardCharsets.UTF_8);
            through.setSize(b.length);
            t.putArchiveEntry(through);
            t.write(b);
            t.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    /** One attempt: what it does, and its answer. */
    private record Case(String name, Supplier<Answer> attempt) {
    }

    private record Answer(int status, boolean problem, String body) {
    }

    private static Answer of(TestNode.Res r) {
        return new Answer(r.status(), r.isProblem(), r.body());
    }

    private static Answer of(FileApi.Bin r) {
        return new Answer(r.status(), r.isProblem(), r.text());
    }

    private static Case get(String path) {
        return new Case("GET content " + path, () -> of(api.get(path)));
    }

    private static Case list(String path) {
        return new Case("GET list " + path, () -> of(node.get(api.base() + "?path=" + FileApi.q(path))));
    }

    private static Case put(String path) {
        return new Case("PUT content " + path, () -> of(api.put(path, "evil".getBytes(StandardCharsets.UTF_8))));
    }

    private static Case post(String route, String json) {
        return new Case("POST " + route + " " + json, () -> of(api.post(route, json)));
    }

    private static String js(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    private static List<Case> cases() {
        String longName = "n".repeat(300);
        List<Case> c = new ArrayList<>();
        // reading
        for (String p : List.of("../outside/secret.txt", "/../../outside/secret.txt", "/dir/../../outside/secret.txt",
                "/out-file", "/out-relative", "/out-dir/secret.txt", "/in-dir/../../outside/secret.txt", "/dangling", "/loop",
                "/hard", "/fifo", "/dir", "/plain.txt\0.jpg", "/plain.txt/..", "/proc/self/root/etc/passwd")) {
            c.add(get(p));
        }
        for (String p : List.of("..", "/out-dir", "/loop", "/dangling", "/plain.txt", "/dir/../..")) {
            c.add(list(p));
        }
        c.add(new Case("search beneath a link out", () -> of(node.get(api.base() + "/search?q=secret&path=" + FileApi.q("/out-dir")))));
        c.add(new Case("search above the root", () -> of(node.get(api.base() + "/search?q=secret&path=" + FileApi.q("../")))));
        // writing
        for (String p : List.of("../escaped.txt", "/dir/../../escaped.txt", "/out-dir/escaped.txt", "/out-file", "/out-relative",
                "/dangling", "/loop/x", "/in-dir/../../escaped.txt", "/new\nline.txt", "/nul\0.txt", "/" + longName, "/fifo", "/")) {
            c.add(put(p));
        }
        c.add(post("directory", "{\"path\": \"../escaped-dir\"}"));
        c.add(post("directory", "{\"path\": \"/out-dir/escaped-dir\"}"));
        c.add(post("directory", "{\"path\": \"/plain.txt/sub\"}"));
        c.add(post("rename", "{\"moves\": [{\"from\": \"/plain.txt\", \"to\": \"../escaped.txt\"}]}"));
        c.add(post("rename", "{\"moves\": [{\"from\": \"/plain.txt\", \"to\": \"/out-dir/escaped.txt\"}]}"));
        c.add(post("rename", "{\"moves\": [{\"from\": \"/out-dir/secret.txt\", \"to\": \"/stolen.txt\"}]}"));
        c.add(post("rename", "{\"moves\": [{\"from\": \"/dir\", \"to\": \"/dir/sub/dir\"}]}"));
        c.add(post("copy", "{\"path\": \"/out-dir/secret.txt\", \"to\": \"/stolen.txt\"}"));
        c.add(post("copy", "{\"path\": \"/plain.txt\", \"to\": \"../escaped.txt\"}"));
        c.add(post("copy", "{\"path\": \"/plain.txt\", \"to\": \"/out-dir/escaped.txt\"}"));
        c.add(post("delete", "{\"paths\": [\"../outside/secret.txt\"]}"));
        c.add(post("delete", "{\"paths\": [\"/out-dir/secret.txt\"]}"));
        c.add(post("delete", "{\"paths\": [\"/\"]}"));
        c.add(post("chmod", "{\"changes\": [{\"path\": \"/out-file\", \"mode\": \"0777\"}]}"));
        c.add(post("chmod", "{\"changes\": [{\"path\": \"/out-dir\", \"mode\": \"0777\"}]}"));
        c.add(post("chmod", "{\"changes\": [{\"path\": \"/out-dir/secret.txt\", \"mode\": \"0777\"}]}"));
        c.add(post("chmod", "{\"changes\": [{\"path\": \"/hard\", \"mode\": \"0777\"}]}"));
        c.add(post("chmod", "{\"changes\": [{\"path\": \"../outside\", \"mode\": \"0777\"}]}"));
        // archives
        c.add(post("compress", "{\"paths\": [\"../outside\"], \"destination\": \"/stolen.tar.gz\"}"));
        c.add(post("compress", "{\"paths\": [\"/out-dir/secret.txt\"], \"destination\": \"/stolen.tar.gz\"}"));
        c.add(post("compress", "{\"paths\": [\"/plain.txt\"], \"destination\": \"../escaped.tar.gz\"}"));
        c.add(post("compress", "{\"paths\": [\"/plain.txt\"], \"destination\": \"/out-dir/escaped.zip\", \"format\": \"zip\"}"));
        c.add(post("decompress", "{\"path\": \"/slip.zip\", \"destination\": \"/x\"}"));
        c.add(post("decompress", "{\"path\": \"/link.tar\", \"destination\": \"/x\"}"));
        c.add(post("decompress", "{\"path\": \"/hardlink.tar\", \"destination\": \"/x\"}"));
        c.add(post("decompress", "{\"path\": \"/plain.txt\", \"destination\": \"/x\"}"));
        c.add(post("decompress", "{\"path\": \"/slip.zip\", \"destination\": \"../escaped\"}"));
        c.add(post("decompress", "{\"path\": \"/slip.zip\", \"destination\": \"/out-dir\"}"));
        c.add(post("decompress", "{\"path\": \"/out-file\", \"destination\": \"/x\"}"));
        c.add(post("pull", "{\"url\": \"http://127.0.0.1:9/x\", \"path\": \"../escaped.txt\"}"));
        c.add(post("pull", "{\"url\": \"http://[::1]:9/x\", \"path\": \"/pulled.txt\"}"));
        c.add(post("pull", "{\"url\": \"http://169.254.169.254/latest/meta-data\", \"path\": \"/pulled.txt\"}"));
        c.add(post("pull", "{\"url\": \"file:///etc/passwd\"}"));
        // signed links
        c.add(post("download-url", "{\"path\": \"/out-file\"}"));
        c.add(post("download-url", "{\"path\": \"../outside/secret.txt\"}"));
        c.add(post("upload-url", "{\"path\": \"../outside\"}"));
        c.add(post("upload-url", "{\"path\": \"/out-dir\"}"));
        c.add(post("upload-url", "{\"path\": " + js("/dir/../..") + "}"));
        return c;
    }

    @Test
    void everyEscapeThroughEveryRouteIsA4xxProblemAndNothingOutsideChanges() throws Exception {
        Map<String, String> before = snapshot(outside);
        List<Case> cases = cases();
        List<String> wrong = new ArrayList<>();
        java.util.Set<String> routes = new java.util.TreeSet<>();
        for (Case c : cases) {
            Answer a = c.attempt().get();
            routes.add(c.name().split(" ")[0] + " " + c.name().split(" ")[1]);
            if (a.status() < 400 || a.status() >= 500 || !a.problem()) {
                wrong.add(c.name() + " -> " + a.status() + " " + a.body());
            } else if (a.body().contains(SECRET)) {
                wrong.add(c.name() + " leaked the secret: " + a.body());
            }
        }

        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        assertThat(routes).as("routes attacked").contains("GET content", "GET list", "PUT content", "POST directory", "POST rename",
                "POST copy", "POST delete", "POST chmod", "POST compress", "POST decompress", "POST pull", "POST download-url",
                "POST upload-url");
        assertThat(wrong).as("attempts that were not refused with a 4xx problem").isEmpty();
        assertThat(snapshot(outside)).as("the outside directory after the attempts").isEqualTo(before);
        assertThat(node.dataDir.resolve("escaped.txt")).doesNotExist();
        assertThat(node.dataDir.resolve("volumes/escaped.txt")).doesNotExist();
        assertThat(Path.of("/tmp/escaped-absolute.txt")).doesNotExist();
        assertThat(Files.readString(api.root().resolve("plain.txt"))).isEqualTo("plain");
        assertThat(Files.isSymbolicLink(api.root().resolve("out-dir"))).isTrue();
        try (Stream<Path> s = Files.list(api.root())) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("stolen.txt", "stolen.tar.gz", "pulled.txt", "x");
        }
    }

    @Test
    void anArchiveEntryWithAnAbsoluteNameIsExtractedBeneathTheDestination() {
        TestNode.Res r = api.post("decompress", "{\"path\": \"/abs.zip\", \"destination\": \"/abs-dest\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(api.root().resolve("abs-dest/tmp/escaped-absolute.txt")).hasContent("zip-slip");
        assertThat(Path.of("/tmp/escaped-absolute.txt")).doesNotExist();
    }

    @Test
    void aBrowserUploadNamedToClimbOutLandsInsideItsDirectory() throws Exception {
        Map<String, String> before = snapshot(outside);
        String url = api.post("upload-url", "{\"path\": \"/uploads\"}").json().get("url").asText();
        FileApi.Bin r = SignedLinkApiTest.upload(api, url, Map.of("../../../outside/secret.txt", "evil", "..\\..\\win.txt", "w"));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("files").findValuesAsText("path")).containsExactlyInAnyOrder("/uploads/secret.txt", "/uploads/win.txt");
        assertThat(snapshot(outside)).isEqualTo(before);
    }

    @Test
    void aUnicodeNameIsAnOrdinaryNameOnEveryRoute() {
        String name = "/mondes/Überwelt 世界 🐉.txt";
        assertThat(api.post("directory", "{\"path\": \"/mondes\"}").status()).isEqualTo(201);

        assertThat(api.put(name, "dragon".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);

        assertThat(api.get(name).text()).isEqualTo("dragon");
        assertThat(api.list("/mondes").json().get("entries").findValuesAsText("name")).contains("Überwelt 世界 🐉.txt");
        assertThat(api.root().resolve("mondes/Überwelt 世界 🐉.txt")).hasContent("dragon");
    }

    /**
     * A hostile game server swaps a directory for a link to the outside ({@code renameat2(RENAME_EXCHANGE)}, atomic)
     * as fast as it can while copies of its parent run over HTTP: whatever interleaving happens, every answer is a
     * success or a 4xx problem and no copy holds a byte from outside.
     */
    @Test
    void aDirectorySwappedForALinkOutDuringCopiesNeverCopiesTheOutside() throws Exception {
        Path root = api.root();
        Files.createDirectories(root.resolve("race/sub"));
        Files.writeString(root.resolve("race/sub/inside.txt"), "inside");
        Files.createSymbolicLink(root.resolve("race/alt"), outside);
        java.util.concurrent.atomic.AtomicBoolean flipping = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong flips = new java.util.concurrent.atomic.AtomicLong();
        Thread flipper = Thread.ofPlatform().name("flipper").start(() -> {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                var state = dev.raptor.files.jail.LinuxCalls.errnoState(arena);
                var sub = arena.allocateFrom(root.resolve("race/sub").toString());
                var alt = arena.allocateFrom(root.resolve("race/alt").toString());
                int cwd = dev.raptor.files.jail.LinuxCalls.AT_FDCWD;
                while (flipping.get()) {
                    if (dev.raptor.files.jail.LinuxCalls.renameat2(state, cwd, sub, cwd, alt, 2 /* RENAME_EXCHANGE */) == 0) {
                        flips.incrementAndGet();
                    }
                }
            }
        });
        List<String> wrong = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                TestNode.Res r = api.post("copy", "{\"path\": \"/race\", \"to\": \"/race-copy-" + i + "\"}");
                if (r.status() >= 300 && (r.status() >= 500 || !r.isProblem())) {
                    wrong.add(r.status() + " " + r.body());
                }
            }
        } finally {
            flipping.set(false);
            flipper.join();
        }

        assertThat(flips.get()).as("the directory really flipped").isPositive();
        assertThat(wrong).as("answers that were neither a copy nor a 4xx problem").isEmpty();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("race-copy-") || p.toString().contains("/race-copy-")).toList()) {
                if (Files.isSymbolicLink(p)) {
                    assertThat(p.toRealPath().startsWith(root.toRealPath())).as("copied link %s stays inside", p).isTrue();
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(Files.readString(p)).as("copied file %s", p).doesNotContain(SECRET);
                }
            }
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(SECRET);
    }

    /** Every file beneath {@code root}: content (or link target), mode and owner. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "dir";
                out.put(root.relativize(p).toString(), what + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                        LinkOption.NOFOLLOW_LINKS)) + " " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return out;
    }

}

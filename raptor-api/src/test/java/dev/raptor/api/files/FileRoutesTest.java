package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.operations.OperationEvent;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.files.TransferBuffers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The file routes on a real node: what each does to the real files, what it answers, and what it writes to the activity log. */
class FileRoutesTest {
    @TempDir
    static Path dir;
    static TestNode node;
    FileApi api;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void server() {
        api = new FileApi(node, node.create(TestNode.gameServer("files-" + UUID.randomUUID().toString().substring(0, 6), 0)));
    }

    private List<ActivityEntry> activity() {
        return node.store.activity(UUID.fromString(api.id), Long.MAX_VALUE, 100);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFileWrittenOverHttpIsReadBackListedAndLoggedWithWhoWroteIt() throws Exception {
        FileApi.Bin created = api.put("/config/server.properties", utf8("motd=hi\n"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("path").asText()).isEqualTo("/config/server.properties");
        assertThat(created.json().get("created").asBoolean()).isTrue();
        FileApi.Bin replaced = api.put("config/server.properties", utf8("motd=hello\n"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("bytes").asLong()).isEqualTo(11);

        assertThat(Files.readString(api.root().resolve("config/server.properties"))).isEqualTo("motd=hello\n");
        FileApi.Bin read = api.get("/config/server.properties");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.text()).isEqualTo("motd=hello\n");
        assertThat(read.contentType()).startsWith("application/octet-stream");
        assertThat(read.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(read.header("X-Mime-Type")).isNotBlank();

        TestNode.Res listing = api.list("/config");
        assertThat(listing.status()).isEqualTo(200);
        JsonNode entry = listing.json().get("entries").get(0);
        assertThat(entry.get("name").asText()).isEqualTo("server.properties");
        assertThat(entry.get("type").asText()).isEqualTo("file");
        assertThat(entry.get("size").asLong()).isEqualTo(11);
        assertThat(entry.get("mode").asText()).isEqualTo("0644");
        assertThat(api.list("/").json().get("entries").get(0).get("type").asText()).isEqualTo("directory");

        assertThat(activity()).filteredOn(e -> e.type().equals("files.write")).hasSize(2).first().satisfies(e -> {
            assertThat(e.details()).containsEntry("by", "node API key").containsEntry("path", "/config/server.properties");
            assertThat(e.message()).contains("/config/server.properties");
        });
    }

    @Test
    void aChunkedBodyIsWrittenWholeAndNoTemporaryFileIsLeft() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(content);
        String target = api.base() + "/content?path=" + FileApi.q("/world/region.dat");
        FileApi.Bin r = api.send(api.request(target, node.apiKey).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content))), "PUT", target);

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(Files.readAllBytes(api.root().resolve("world/region.dat"))).isEqualTo(content);
        try (var s = Files.list(api.root().resolve("world"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("region.dat");
        }
    }

    @Test
    void rangesAnswerPartialContentAndARangePastTheEndIs416() {
        api.put("/log.txt", utf8("0123456789"));

        FileApi.Bin middle = api.get("/log.txt", node.apiKey, "bytes=2-5");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.text()).isEqualTo("2345");
        assertThat(middle.header("Content-Range")).isEqualTo("bytes 2-5/10");
        assertThat(api.get("/log.txt", node.apiKey, "bytes=-3").text()).isEqualTo("789");
        assertThat(api.get("/log.txt", node.apiKey, "bytes=7-").text()).isEqualTo("789");
        FileApi.Bin past = api.get("/log.txt", node.apiKey, "bytes=10-");
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.isProblem()).isTrue();
        assertThat(past.header("Content-Range")).isEqualTo("bytes */10");
    }

    @Test
    void aFileOfManyTransferBuffersIsReadBackWholeAndInRangesAcrossTheirEdges() {
        int size = 3 * TransferBuffers.SIZE + 17;
        byte[] content = new byte[size];
        new java.util.Random(11).nextBytes(content);
        assertThat(api.put("/world/region.mca", content).status()).isEqualTo(201);

        FileApi.Bin whole = api.get("/world/region.mca");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Length")).isEqualTo(Integer.toString(size));
        assertThat(whole.body()).isEqualTo(content);

        int from = TransferBuffers.SIZE - 5;
        int to = 2 * TransferBuffers.SIZE + 4; // inclusive: spans two buffer edges
        FileApi.Bin across = api.get("/world/region.mca", node.apiKey, "bytes=" + from + "-" + to);
        assertThat(across.status()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(java.util.Arrays.copyOfRange(content, from, to + 1));
        FileApi.Bin tail = api.get("/world/region.mca", node.apiKey, "bytes=-" + (TransferBuffers.SIZE + 1));
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(content, size - TransferBuffers.SIZE - 1, size));
    }

    @Test
    void aFileLargerThanOneMappedSliceIsReadBackWholeAndInRangesAcrossTheSliceEdge() {
        int size = (int) (FileRoutes.MAPPED_SLICE + 2 * FileRoutes.MAPPED_AT_LEAST) + 17;
        byte[] content = new byte[size];
        new java.util.Random(13).nextBytes(content);
        assertThat(api.put("/world/big.mca", content).status()).isEqualTo(201);

        FileApi.Bin whole = api.get("/world/big.mca");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Length")).isEqualTo(Integer.toString(size));
        assertThat(whole.body()).isEqualTo(content);

        // ranges long enough to be sent mapped, starting a few bytes before the second slice
        int from = (int) FileRoutes.MAPPED_SLICE - 3;
        int to = (int) (FileRoutes.MAPPED_SLICE + FileRoutes.MAPPED_AT_LEAST); // inclusive
        FileApi.Bin across = api.get("/world/big.mca", node.apiKey, "bytes=" + from + "-" + to);
        assertThat(across.status()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(java.util.Arrays.copyOfRange(content, from, to + 1));
        FileApi.Bin unaligned = api.get("/world/big.mca", node.apiKey, "bytes=" + (from - 1000) + "-");
        assertThat(unaligned.body()).isEqualTo(java.util.Arrays.copyOfRange(content, from - 1000, size));
        FileApi.Bin small = api.get("/world/big.mca", node.apiKey, "bytes=" + from + "-" + (from + 7)); // through a buffer
        assertThat(small.body()).isEqualTo(java.util.Arrays.copyOfRange(content, from, from + 8));
    }

    @Test
    void anUploadWhoseClientHangsUpHalfWayLeavesTheOldFileWholeAndNoTemporaryFile() throws Exception {
        api.put("/world/level.dat", utf8("the old level"));
        String target = api.base() + "/content?path=" + FileApi.q("/world/level.dat");
        byte[] half = new byte[3 * dev.raptor.api.http.ConnectionBuffers.INPUT_BYTES + 5]; // several of Jetty's reads, then the client is gone
        new java.util.Random(3).nextBytes(half);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.api.port())) {
            java.io.OutputStream out = s.getOutputStream();
            out.write(("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + node.apiKey
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (10 * 1024 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(half);
            out.flush();
            await().atMost(TestNode.HANG).until(() -> tempFiles(api.root().resolve("world")) > 0); // the write began
        }

        await().atMost(TestNode.HANG).untilAsserted(() -> {
            assertThat(tempFiles(api.root().resolve("world"))).isZero();
            assertThat(Files.readString(api.root().resolve("world/level.dat"))).isEqualTo("the old level");
        });
        assertThat(api.get("/world/level.dat").text()).isEqualTo("the old level");
    }

    /** Entries of {@code dir} other than its files' own names (an atomic write's temporary file). */
    private static long tempFiles(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals("level.dat")).count();
        }
    }

    @Test
    void aFileSwappedForALinkOutsideTheRootIsNotServedAnyMore() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside-" + api.id + ".txt"), "the node's secret");
        api.put("/logs/latest.log", utf8("a line"));
        assertThat(api.get("/logs/latest.log").text()).isEqualTo("a line");

        Path file = api.root().resolve("logs/latest.log");
        Files.delete(file);
        Files.createSymbolicLink(file, outside); // as a game server could

        FileApi.Bin r = api.get("/logs/latest.log");
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.text()).doesNotContain("the node's secret");
    }

    @Test
    void aSignedUploadOfABinaryFileOfManyTransferBuffersArrivesByteForByte() throws Exception {
        String boundary = "raptor-" + UUID.randomUUID();
        byte[] content = new byte[2 * TransferBuffers.SIZE + 999];
        new java.util.Random(5).nextBytes(content);
        // near-boundaries across a buffer edge: the parser must hold them back and give them to the file after all
        byte[] almost = ("\r\n--" + boundary.substring(0, boundary.length() - 1)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(almost, 0, content, TransferBuffers.SIZE - 10, almost.length);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"world.zip\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        String url = api.post("upload-url", "{\"path\": \"/uploads\"}").json().get("url").asText();

        FileApi.Bin r = api.send(api.request(url, null).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "POST", url);

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(Files.readAllBytes(api.root().resolve("uploads/world.zip"))).isEqualTo(content);
        try (var s = Files.list(api.root().resolve("uploads"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("world.zip");
        }
    }

    @Test
    void directoriesRenamesCopiesModesAndSearchesDoWhatTheySayAndAreLogged() throws Exception {
        TestNode.Res made = api.post("directory", "{\"path\": \"/plugins/config\"}");
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("created").asBoolean()).isTrue();
        assertThat(api.post("directory", "{\"path\": \"/plugins/config\"}").status()).isEqualTo(200);
        api.put("/a-file", utf8("x"));
        TestNode.Res overFile = api.post("directory", "{\"path\": \"/a-file\"}");
        assertThat(overFile.status()).isEqualTo(409);
        assertThat(overFile.json().get("path").asText()).isEqualTo("/a-file");
        assertThat(Files.isDirectory(api.root().resolve("plugins/config"))).isTrue();

        api.put("/plugins/a.jar", utf8("jar"));
        api.put("/start.sh", utf8("#!/bin/sh\n"));
        TestNode.Res moved = api.post("rename", "{\"moves\": [{\"from\": \"/plugins/a.jar\", \"to\": \"plugins/config/b.jar\"}]}");
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.json().get("moves").get(0).get("to").asText()).isEqualTo("/plugins/config/b.jar");
        assertThat(api.root().resolve("plugins/a.jar")).doesNotExist();
        assertThat(api.root().resolve("plugins/config/b.jar")).hasContent("jar");

        TestNode.Res copied = api.post("copy", "{\"path\": \"/start.sh\"}");
        assertThat(copied.status()).as(copied.toString()).isEqualTo(201);
        assertThat(copied.json().get("to").asText()).isEqualTo("/start copy.sh");
        assertThat(api.root().resolve("start copy.sh")).hasContent("#!/bin/sh");

        TestNode.Res chmod = api.post("chmod", "{\"changes\": [{\"path\": \"/start.sh\", \"mode\": \"755\"}]}");
        assertThat(chmod.status()).as(chmod.toString()).isEqualTo(200);
        assertThat(chmod.json().get("changes").get(0).get("mode").asText()).isEqualTo("0755");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(api.root().resolve("start.sh")))).isEqualTo("rwxr-xr-x");

        TestNode.Res search = node.get(api.base() + "/search?q=" + FileApi.q("*.jar"));
        assertThat(search.status()).as(search.toString()).isEqualTo(200);
        assertThat(search.json().get("found").findValuesAsText("path")).containsExactly("/plugins/config/b.jar");

        assertThat(activity()).extracting(ActivityEntry::type)
                .contains("files.mkdir", "files.rename", "files.copy", "files.chmod");
    }

    @Test
    void aDeleteIsAFileOperationThatWaitsByDefaultOrAnswers202() throws Exception {
        api.put("/logs/a.log", utf8("a"));
        api.put("/logs/deep/b.log", utf8("b"));
        api.put("/crash.txt", utf8("c"));

        TestNode.Res done = api.post("delete", "{\"paths\": [\"/logs\"]}");
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().get("kind").asText()).isEqualTo("files");
        assertThat(done.json().get("action").asText()).isEqualTo("delete");
        assertThat(done.json().get("status").asText()).isEqualTo("done");
        assertThat(done.json().get("progress").get("filesDone").asLong()).isEqualTo(4); // two files, two directories
        assertThat(api.root().resolve("logs")).doesNotExist();

        TestNode.Res accepted = api.post("delete", "{\"paths\": [\"/crash.txt\"], \"wait\": false}");
        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location");
        await().atMost(TestNode.HANG).until(() -> node.get(location).json().get("status").asText().equals("done"));
        assertThat(api.root().resolve("crash.txt")).doesNotExist();
        assertThat(activity()).filteredOn(e -> e.type().equals("files.delete")).hasSize(2);
    }

    @Test
    void anArchiveMadeOverHttpExtractsToTheSameFilesAndEveryStepIsAnOperationWithProgressEvents() throws Exception {
        List<OperationEvent> events = new CopyOnWriteArrayList<>();
        var listener = node.bus.subscribe(OperationEvent.class, e -> e.serverId().toString().equals(api.id), 1024, events::add);
        try {
            byte[] big = new byte[2 * 1024 * 1024];
            new java.util.Random(3).nextBytes(big);
            api.put("/world/level.dat", big);
            api.put("/world/region/r.0.0.mca", utf8("region"));

            TestNode.Res compressed = api.post("compress", "{\"paths\": [\"/world\"], \"destination\": \"/backups/world.tar.zst\", \"format\": \"tar.zst\"}");
            assertThat(compressed.status()).as(compressed.toString()).isEqualTo(200);
            assertThat(compressed.json().get("status").asText()).isEqualTo("done");
            assertThat(compressed.json().get("path").asText()).isEqualTo("/backups/world.tar.zst");
            assertThat(compressed.json().get("progress").get("bytesDone").asLong()).isGreaterThanOrEqualTo(big.length);
            assertThat(api.root().resolve("backups/world.tar.zst")).isRegularFile();

            TestNode.Res extracted = api.post("decompress", "{\"path\": \"/backups/world.tar.zst\", \"destination\": \"/restored\"}");
            assertThat(extracted.status()).as(extracted.toString()).isEqualTo(200);
            assertThat(extracted.json().get("status").asText()).isEqualTo("done");
            assertThat(Files.readAllBytes(api.root().resolve("restored/world/level.dat"))).isEqualTo(big);
            assertThat(api.root().resolve("restored/world/region/r.0.0.mca")).hasContent("region");

            TestNode.Res again = api.post("compress", "{\"paths\": [\"/world\"], \"destination\": \"/backups/world.tar.zst\"}");
            assertThat(again.status()).as("the archive exists: nothing is replaced").isEqualTo(409);
            assertThat(again.json().get("path").asText()).isEqualTo("/backups/world.tar.zst");

            TestNode.Res later = api.post("compress", "{\"paths\": [\"/world\"], \"destination\": \"/backups/later.zip\", \"format\": \"zip\", \"wait\": false}");
            assertThat(later.status()).isEqualTo(202);
            await().atMost(TestNode.HANG).until(() -> node.get(later.header("Location")).json().get("status").asText().equals("done"));
            TestNode.Res unzip = api.post("decompress", "{\"path\": \"/backups/later.zip\", \"destination\": \"/unzipped\", \"wait\": false}");
            assertThat(unzip.status()).isEqualTo(202);
            await().atMost(TestNode.HANG).until(() -> node.get(unzip.header("Location")).json().get("status").asText().equals("done"));
            assertThat(Files.readAllBytes(api.root().resolve("unzipped/world/level.dat"))).isEqualTo(big);

            await().atMost(TestNode.HANG).until(() -> events.stream().filter(OperationEvent::finished).count() == 5);
            assertThat(events).filteredOn(OperationEvent::finished).extracting(e -> e.operation().action())
                    .containsExactly("compress", "decompress", "compress", "compress", "decompress");
            assertThat(activity()).extracting(ActivityEntry::type).contains("files.compress", "files.decompress");
        } finally {
            listener.close();
        }
    }

    @Test
    void serverTokensReachFilesOnlyWithTheirPermissionAndOnlyOnTheirServer() {
        api.put("/motd.txt", utf8("hi"));
        UUID server = UUID.fromString(api.id);
        String reader = node.tokens(java.time.Clock.systemUTC()).issue(server, Set.of(Permission.FILES_READ), Duration.ofMinutes(5)).token();
        String console = node.tokens(java.time.Clock.systemUTC()).issue(server, Set.of(Permission.CONSOLE_READ), Duration.ofMinutes(5)).token();
        String other = node.tokens(java.time.Clock.systemUTC()).issue(UUID.randomUUID(), Set.of(Permission.FILES_READ,
                Permission.FILES_WRITE), Duration.ofMinutes(5)).token();

        assertThat(api.get("/motd.txt", reader, null).status()).isEqualTo(200);
        assertThat(api.put("/motd.txt", utf8("changed"), reader).status()).isEqualTo(403);
        assertThat(api.get("/motd.txt", console, null).status()).isEqualTo(403);
        assertThat(api.get("/motd.txt", other, null).status()).isEqualTo(403);
        assertThat(api.get("/motd.txt", null, null).status()).isEqualTo(401);
        assertThat(api.post("directory", "{\"path\": \"/x\"}", reader).status()).isEqualTo(403);

        TestNode.Res op = api.post("delete", "{\"paths\": [\"/nothing-here\"]}");
        String href = op.json().get("href").asText();
        assertThat(node.send("GET", href, null, "Authorization", "Bearer " + reader).status()).isEqualTo(200);
        assertThat(node.send("GET", href, null, "Authorization", "Bearer " + console).status()).isEqualTo(403);
        assertThat(api.root().resolve("motd.txt")).hasContent("hi");
    }

    @Test
    void aPowerActionIsNotCancelledByDeleteAndAnUnknownOperationIs404() {
        TestNode.Res power = node.post("/api/v1/servers/" + api.id + "/power", "{\"action\": \"stop\"}");
        String href = power.json().get("href").asText();
        TestNode.Res refused = node.call("DELETE", href, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:raptor:problem:not-cancellable");
        assertThat(node.call("DELETE", "/api/v1/operations/" + UUID.randomUUID(), null).status()).isEqualTo(404);

        TestNode.Res finished = api.post("delete", "{\"paths\": [\"/gone\"]}");
        TestNode.Res again = node.call("DELETE", finished.json().get("href").asText(), null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("status").asText()).isEqualTo("done"); // a finished operation keeps its answer
    }

    @Test
    void whileRaptorRewritesAServersFilesTheFileApiKeepsUsersOut() {
        api.put("/motd.txt", utf8("hi"));
        try (var lock = node.volumes.locks().lock(UUID.fromString(api.id), "restoring a backup")) {
            TestNode.Res locked = api.list("/");
            assertThat(locked.status()).isEqualTo(409);
            assertThat(locked.json().get("type").asText()).isEqualTo("urn:raptor:problem:files-locked");
            assertThat(locked.json().get("detail").asText()).contains("restoring a backup");
            assertThat(api.put("/motd.txt", utf8("changed")).status()).isEqualTo(409);
        }
        assertThat(api.list("/").status()).isEqualTo(200);
        assertThat(api.get("/motd.txt").text()).isEqualTo("hi");
    }

    @Test
    void badRequestsNameWhatIsWrong() {
        TestNode.Res noPaths = api.post("delete", "{\"paths\": [], \"recursive\": true}");
        assertThat(noPaths.status()).isEqualTo(400);
        assertThat(noPaths.json().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("paths", "recursive");
        TestNode.Res badMode = api.post("chmod", "{\"changes\": [{\"path\": \"/a\", \"mode\": \"999\"}]}");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.json().get("errors").findValuesAsText("field")).containsExactly("changes[0].mode");
        TestNode.Res badFormat = api.post("compress", "{\"paths\": [\"/a\"], \"format\": \"rar\"}");
        assertThat(badFormat.json().get("errors").findValuesAsText("field")).containsExactly("format");
        assertThat(node.get(api.base() + "/content").status()).isEqualTo(400);
        assertThat(node.get(api.base() + "/search").status()).isEqualTo(400);
        assertThat(node.get("/api/v1/servers/" + UUID.randomUUID() + "/files").status()).isEqualTo(404);
    }
}

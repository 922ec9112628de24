package dev.raptor.api.backups;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.testing.TestNode;
import dev.raptor.backup.BackupListener;
import dev.raptor.backup.BackupTarget;
import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The backup routes over real HTTP, on a node with a real store, Docker engine and local backup storage. */
class BackupApiTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static String server;
    static Path root;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        server = node.create(TestNode.gameServer("backups", 0));
        root = node.fleet.settings().volumesRoot().resolve(server);
        Files.createDirectories(root.resolve("world"));
        Files.writeString(root.resolve("world/level.dat"), "level one");
        Files.writeString(root.resolve("server.properties"), "motd=backed up\n");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String base() {
        return "/api/v1/servers/" + server + "/backups";
    }

    private static JsonNode createBackup(String body) {
        TestNode.Res r = node.post(base(), body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
        assertThat(r.json().get("action").asText()).isEqualTo("backup");
        return node.get(base() + "/" + r.json().get("backupId").asText()).json();
    }

    @Test
    void aBackupIsCreatedListedReadDownloadedAndDeleted() throws Exception {
        JsonNode b = createBackup("{\"name\": \"first\"}");

        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("name").asText()).isEqualTo("first");
        assertThat(b.get("format").asText()).isEqualTo("tar.zst");
        assertThat(node.get(base()).json().get("backups").findValuesAsText("id")).contains(b.get("id").asText());

        HttpResponse<byte[]> download = node.http.send(HttpRequest.newBuilder(node.uri(base() + "/" + b.get("id").asText() + "/download"))
                .header("Authorization", "Bearer " + node.apiKey).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize(b.get("size").asInt());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body()))).isEqualTo(b.get("sha256").asText());
        assertThat(download.headers().firstValue("X-Checksum-SHA256")).contains(b.get("sha256").asText());
        TestNode.Res recorded = node.get(base() + "/" + b.get("id").asText() + "/download"); // checked against openapi.json
        assertThat(recorded.status()).isEqualTo(200);
        assertThat(recorded.contentType()).startsWith("application/zstd");

        assertThat(node.call("DELETE", base() + "/" + b.get("id").asText(), null).status()).isEqualTo(204);
        assertThat(node.get(base() + "/" + b.get("id").asText()).status()).isEqualTo(404);
    }

    @Test
    void aBackupAnsweredAtOnceIsFollowedThroughItsOperation() {
        TestNode.Res r = node.post(base(), "{\"wait\": false}");

        assertThat(r.status()).isEqualTo(202);
        String href = r.header("Location");
        await().atMost(TestNode.HANG).until(() -> node.get(href).json().get("status").asText().equals("done"));
        JsonNode op = node.get(href).json();
        assertThat(op.get("progress").get("stage").asText()).isEqualTo("archiving");
        assertThat(op.get("progress").get("bytesDone").asLong()).isEqualTo(op.get("progress").get("bytesTotal").asLong());
    }

    @Test
    void aRestoreStopsTheRunningServerPutsTheFilesBackAndStartsItAgain() throws Exception {
        assertThat(node.post("/api/v1/servers/" + server + "/power", "{\"action\": \"start\"}").json().get("state").asText()).isEqualTo("running");
        JsonNode b = createBackup("{}");
        Files.writeString(root.resolve("world/level.dat"), "changed later");
        Files.writeString(root.resolve("extra.txt"), "not in the backup");

        TestNode.Res r = node.post(base() + "/" + b.get("id").asText() + "/restore", "{\"truncate\": true}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
        assertThat(r.json().get("state").asText()).isEqualTo("running");
        assertThat(Files.readString(root.resolve("world/level.dat"))).isEqualTo("level one");
        assertThat(root.resolve("extra.txt")).doesNotExist();
        List<String> activity = node.get("/api/v1/servers/" + server + "/activity?limit=50").json().findValuesAsText("type");
        assertThat(activity).contains("restore.started", "restore.completed", "backup.completed");
        assertThat(node.post("/api/v1/servers/" + server + "/power", "{\"action\": \"stop\"}").json().get("state").asText()).isEqualTo("offline");
    }

    @Test
    void aRestoreAnsweredAtOnceKeepsTheFilesWithoutTruncate() throws Exception {
        JsonNode b = createBackup("{}");
        Files.writeString(root.resolve("kept.txt"), "stays");

        TestNode.Res r = node.post(base() + "/" + b.get("id").asText() + "/restore?wait=false", "{\"truncate\": false}");

        assertThat(r.status()).isEqualTo(202);
        await().atMost(TestNode.HANG).until(() -> node.get(r.header("Location")).json().get("status").asText().equals("done"));
        assertThat(Files.readString(root.resolve("kept.txt"))).isEqualTo("stays");
    }

    @Test
    void powerActionsAndDeletesAnswer409WhileARestoreRuns() throws Exception {
        String other = node.create(TestNode.gameServer("restoring", 0));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var restore = node.fleet.maintain(UUID.fromString(other), "restore", () -> {
            inside.countDown();
            release.await();
        });
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        try {
            TestNode.Res power = node.post("/api/v1/servers/" + other + "/power", "{\"action\": \"start\"}");
            TestNode.Res delete = node.call("DELETE", "/api/v1/servers/" + other, null);
            assertThat(power.status()).isEqualTo(409);
            assertThat(power.json().get("type").asText()).endsWith("server-busy");
            assertThat(power.json().get("detail").asText()).contains("restore");
            assertThat(delete.status()).isEqualTo(409);
        } finally {
            release.countDown();
        }
        restore.get(60, TimeUnit.SECONDS);
        assertThat(node.get("/api/v1/servers/" + other).json().get("state").asText()).isEqualTo("offline");
    }

    @Test
    void lockedBackupsCannotBeDeleted() {
        JsonNode b = createBackup("{}");
        String path = base() + "/" + b.get("id").asText();

        assertThat(node.post(path + "/lock", null).json().get("locked").asBoolean()).isTrue();
        TestNode.Res refused = node.call("DELETE", path, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).endsWith("backup-locked");
        assertThat(node.post(path + "/unlock", null).json().get("locked").asBoolean()).isFalse();
        assertThat(node.call("DELETE", path, null).status()).isEqualTo(204);
    }

    @Test
    void anIgnoreFileThatIsASymbolicLinkIsRefusedWith422() throws Exception {
        Path link = root.resolve(".raptorignore");
        Files.createSymbolicLink(link, Path.of("server.properties"));
        try {
            TestNode.Res r = node.post(base(), "{}");
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().get("type").asText()).endsWith("bad-ignore-file");
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void aBackupWhileAnotherRunsIsRefusedWith409() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> {
            try {
                node.backups.create(BackupTarget.of(UUID.fromString(server)), dev.raptor.backup.BackupRequest.DEFAULT, new BackupListener() {
                    @Override
                    public void started(BackupRecord backup) {
                        inside.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            } catch (Exception e) {
                // the test only needs it to hold the server
            }
        });
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        try {
            TestNode.Res r = node.post(base(), "{}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("type").asText()).endsWith("backup-busy");
        } finally {
            release.countDown();
            holder.join(Duration.ofSeconds(60));
        }
    }

    @Test
    void aFailedBackupCanNeitherBeDownloadedNorRestored() {
        UUID id = UUID.randomUUID();
        BackupRecord running = BackupRecord.running(id, UUID.fromString(server), "broken", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                "tar.zst", new BackupLocation("local", server + "/" + id + ".tar.zst"));
        node.store.backupRecords().begin(running);
        node.store.backupRecords().finish(running.failed(Instant.now(), "disk full"));

        TestNode.Res download = node.get(base() + "/" + id + "/download");
        TestNode.Res restore = node.post(base() + "/" + id + "/restore", "{}");

        assertThat(download.status()).isEqualTo(409);
        assertThat(download.json().get("type").asText()).endsWith("backup-not-completed");
        assertThat(restore.status()).isEqualTo(409);
        assertThat(node.get(base() + "/" + id).json().get("reason").asText()).isEqualTo("disk full");
    }

    @Test
    void badRequestsAreNamed() {
        String some = base() + "/" + UUID.randomUUID();
        for (String[] call : new String[][]{{"GET", base() + "/not-a-uuid"}, {"DELETE", base() + "/not-a-uuid"},
                {"GET", base() + "/not-a-uuid/download"}, {"POST", base() + "/not-a-uuid/lock"}, {"POST", base() + "/not-a-uuid/unlock"}}) {
            TestNode.Res r = node.call(call[0], call[1], null);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("detail").asText()).contains("bid");
        }
        TestNode.Res badName = node.post(base(), "{\"name\": 5, \"ignore\": [1], \"colour\": \"red\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("errors").findValuesAsText("field")).contains("name", "ignore[0]", "colour");
        TestNode.Res badTruncate = node.post(some + "/restore", "{\"truncate\": \"yes\"}");
        assertThat(badTruncate.status()).isEqualTo(400);
        assertThat(badTruncate.json().get("errors").findValuesAsText("field")).contains("truncate");
        String huge = "{\"name\": \"" + "x".repeat(1_100_000) + "\"}";
        assertThat(node.post(base(), huge).status()).isEqualTo(413);
        assertThat(node.post(some + "/restore", huge).status()).isEqualTo(413);
        assertThat(node.send("POST", base(), "{}", "Authorization", "Bearer " + node.apiKey, "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(node.send("POST", some + "/restore", "{}", "Authorization", "Bearer " + node.apiKey, "Content-Type", "text/plain").status())
                .isEqualTo(415);
    }

    @Test
    void aDeletedServersBackupsStayListedDownloadableAndDeletableButCannotBeRestored() throws Exception {
        String gone = node.create(TestNode.gameServer("deleted-later", 0));
        String backups = "/api/v1/servers/" + gone + "/backups";
        Files.createDirectories(node.fleet.settings().volumesRoot().resolve(gone).resolve("world"));
        TestNode.Res made = node.post(backups, "{\"name\": \"last\"}");
        assertThat(made.json().get("status").asText()).as(made.toString()).isEqualTo("done");
        String bid = made.json().get("backupId").asText();
        assertThat(node.call("DELETE", "/api/v1/servers/" + gone, null).json().get("status").asText()).isEqualTo("done");

        assertThat(node.get(backups).json().get("backups").findValuesAsText("id")).containsExactly(bid);
        assertThat(node.get(backups + "/" + bid + "/download").status()).isEqualTo(200);
        TestNode.Res restore = node.post(backups + "/" + bid + "/restore", "{}");
        assertThat(restore.status()).isEqualTo(404);
        assertThat(restore.json().get("type").asText()).endsWith("server-not-found");
        assertThat(node.post(backups, "{}").status()).isEqualTo(404);

        assertThat(node.call("DELETE", backups + "/" + bid, null).status()).isEqualTo(204);
        assertThat(node.get(backups).status()).as("no server and no backups left").isEqualTo(404);
    }

    @Test
    void unknownServersAndBackupsAre404AndEveryRouteNeedsTheNodeKey() {
        String unknownServer = "/api/v1/servers/" + UUID.randomUUID() + "/backups";
        String unknownBackup = base() + "/" + UUID.randomUUID();
        String token = node.tokens(Clock.systemUTC()).issue(UUID.fromString(server),
                Set.of(Permission.POWER, Permission.FILES_READ), Duration.ofMinutes(5)).token();
        String[][] routes = {{"GET", ""}, {"POST", ""}, {"GET", "/B"}, {"DELETE", "/B"}, {"GET", "/B/download"},
                {"POST", "/B/restore"}, {"POST", "/B/lock"}, {"POST", "/B/unlock"}};
        for (String[] r : routes) {
            String body = r[0].equals("POST") ? "{}" : null;
            String suffix = r[1].replace("/B", "/" + UUID.randomUUID());
            assertThat(node.call(r[0], unknownServer + suffix, body).status()).as(r[0] + " " + r[1]).isEqualTo(404);
            assertThat(node.send(r[0], base() + suffix, body).status()).as(r[0] + " " + r[1] + " without a key").isEqualTo(401);
            assertThat(node.send(r[0], base() + suffix, body, "Authorization", "Bearer " + token).status())
                    .as(r[0] + " " + r[1] + " with a server token").isEqualTo(403);
            if (!r[1].isEmpty()) {
                TestNode.Res missing = node.call(r[0], unknownBackup + r[1].substring(2), body);
                assertThat(missing.status()).as(r[0] + " " + r[1] + " of an unknown backup").isEqualTo(404);
            }
        }
    }
}

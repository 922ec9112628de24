package dev.raptor.api.backups;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.testing.ApiExchanges;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup's archive for a browser: {@code POST …/backups/{bid}/download-url} signs a one-shot link (the file routes'
 * mechanism), and a plain HTTP client without the API key downloads that backup once with it, and nothing else.
 */
class BackupDownloadLinkApiTest {
    // long enough that no link runs out while a test uses it on a busy machine; the expiry test steps the node's clock
    private static final Duration LINK_TTL = SignedLinks.DEFAULT_TTL;

    @TempDir
    static Path dir;
    static TestNode node;
    static String server;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir, s -> s.withFiles(s.files().withLinkTtl(LINK_TTL)));
        server = node.create(TestNode.gameServer("backup-links", 0));
        Path root = node.fleet.settings().volumesRoot().resolve(server);
        Files.createDirectories(root.resolve("world"));
        Files.writeString(root.resolve("world/level.dat"), "level one");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String base() {
        return "/api/v1/servers/" + server + "/backups";
    }

    private static JsonNode backup(String name) throws IOException {
        Files.writeString(node.fleet.settings().volumesRoot().resolve(server).resolve("name.txt"), name);
        TestNode.Res r = node.post(base(), "{\"name\": \"" + name + "\"}");
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
        return node.get(base() + "/" + r.json().get("backupId").asText()).json();
    }

    private static JsonNode link(JsonNode backup) {
        TestNode.Res r = node.post(base() + "/" + backup.get("id").asText() + "/download-url", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** A GET with no credential but the link, as a browser sends it; its answer is checked against openapi.json. */
    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        HttpResponse<byte[]> r = node.http.send(HttpRequest.newBuilder(node.uri(url)).timeout(TestNode.HANG).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String type = r.headers().firstValue("Content-Type").orElse(null);
        ApiExchanges.answer("http", "GET", url, r.statusCode(), type,
                type != null && type.contains("json") ? new String(r.body(), StandardCharsets.UTF_8) : "");
        return r;
    }

    private static JsonNode problem(HttpResponse<byte[]> r) {
        return WireJson.parse(new String(r.body(), StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aLinkDownloadsTheBackupWithoutTheKeyOnce() throws Exception {
        JsonNode b = backup("linked");
        Instant before = node.tokenClock.instant().truncatedTo(ChronoUnit.SECONDS);
        JsonNode link = link(b);

        String url = link.get("url").asText();
        assertThat(url).startsWith("/api/v1/backups/download?token=");
        assertThat(link.get("backupId").asText()).isEqualTo(b.get("id").asText());
        assertThat(Instant.parse(link.get("expiresAt").asText())).isBetween(before, node.tokenClock.instant().plus(LINK_TTL));

        HttpResponse<byte[]> r = fetch(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(b.get("size").asInt());
        assertThat(sha256(r.body())).isEqualTo(b.get("sha256").asText());
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/zstd");
        assertThat(r.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"" + server.substring(0, 8) + "-linked.tar.zst\"");
        assertThat(r.headers().firstValue("X-Checksum-SHA256")).contains(b.get("sha256").asText());

        HttpResponse<byte[]> replay = fetch(url);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(problem(replay).get("type").asText()).isEqualTo("urn:raptor:problem:link-refused");
        assertThat(problem(replay).get("detail").asText()).contains("already used");
    }

    @Test
    void aLinkFetchesOnlyItsOwnBackupAndNoFile() throws Exception {
        JsonNode mine = backup("mine");
        JsonNode other = backup("other");
        String url = link(mine).get("url").asText();
        String token = url.substring(url.indexOf("token=") + "token=".length());

        // the link names its backup inside the signed token: re-pointed at another backup, the signature fails
        String body = token.substring(0, token.indexOf('.'));
        String payload = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8);
        assertThat(payload).contains(mine.get("id").asText());
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace(mine.get("id").asText(),
                other.get("id").asText()).getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        HttpResponse<byte[]> reTargeted = fetch("/api/v1/backups/download?token=" + forged);
        assertThat(reTargeted.statusCode()).isEqualTo(403);
        assertThat(problem(reTargeted).get("detail").asText()).contains("signature");

        // nor does it open another backup's route, which needs the key
        TestNode.Res otherRoute = node.send("GET", base() + "/" + other.get("id").asText() + "/download?token=" + token, null);
        assertThat(otherRoute.status()).isEqualTo(401);

        // a backup link is no file link, and a file link no backup link
        HttpResponse<byte[]> asFile = fetch("/api/v1/files/download?token=" + token);
        assertThat(asFile.statusCode()).isEqualTo(403);
        assertThat(problem(asFile).get("detail").asText()).contains("backups.download");
        String fileLink = node.post("/api/v1/servers/" + server + "/files/download-url", "{\"path\": \"/world/level.dat\"}")
                .json().get("url").asText();
        HttpResponse<byte[]> asBackup = fetch("/api/v1/backups/download" + fileLink.substring(fileLink.indexOf('?')));
        assertThat(asBackup.statusCode()).isEqualTo(403);
        assertThat(problem(asBackup).get("detail").asText()).contains("files.download");

        // refused attempts did not use the link up: it still fetches its own backup
        HttpResponse<byte[]> r = fetch(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sha256(r.body())).isEqualTo(mine.get("sha256").asText()).isNotEqualTo(other.get("sha256").asText());
    }

    @Test
    void anExpiredLinkIsRefused() throws Exception {
        JsonNode link = link(backup("expiring"));
        assertThat(Instant.parse(link.get("expiresAt").asText())).as("a fresh link is not yet expired").isAfter(node.tokenClock.instant());

        node.tokenClock.step(LINK_TTL.plusSeconds(1));
        HttpResponse<byte[]> r = fetch(link.get("url").asText());

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(problem(r).get("detail").asText()).contains("expired");
    }

    @Test
    void aLinkToABackupDeletedSinceIs404() throws Exception {
        JsonNode b = backup("deleted");
        String url = link(b).get("url").asText();
        assertThat(node.call("DELETE", base() + "/" + b.get("id").asText(), null).status()).isEqualTo(204);

        HttpResponse<byte[]> r = fetch(url);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(problem(r).get("type").asText()).endsWith("backup-not-found");
    }

    @Test
    void noLinkIsSignedForABackupThatIsNotCompletedUnknownOrMisnamed() {
        UUID failed = UUID.randomUUID();
        BackupRecord running = BackupRecord.running(failed, UUID.fromString(server), "broken", Instant.now().truncatedTo(ChronoUnit.MILLIS),
                "tar.zst", new BackupLocation("local", server + "/" + failed + ".tar.zst"));
        node.store.backupRecords().begin(running);
        node.store.backupRecords().finish(running.failed(Instant.now(), "disk full"));

        TestNode.Res notCompleted = node.post(base() + "/" + failed + "/download-url", null);
        assertThat(notCompleted.status()).as(notCompleted.toString()).isEqualTo(409);
        assertThat(notCompleted.json().get("type").asText()).endsWith("backup-not-completed");
        TestNode.Res unknown = node.post(base() + "/" + UUID.randomUUID() + "/download-url", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("type").asText()).endsWith("backup-not-found");
        TestNode.Res misnamed = node.post(base() + "/not-a-uuid/download-url", null);
        assertThat(misnamed.status()).isEqualTo(400);
        assertThat(misnamed.json().get("detail").asText()).contains("bid");
        TestNode.Res unknownServer = node.post("/api/v1/servers/" + UUID.randomUUID() + "/backups/" + failed + "/download-url", null);
        assertThat(unknownServer.status()).isEqualTo(404);
        assertThat(node.send("POST", base() + "/" + failed + "/download-url", null).status()).as("without the key").isEqualTo(401);
    }
}

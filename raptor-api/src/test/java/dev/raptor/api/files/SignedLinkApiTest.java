package dev.raptor.api.files;

import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Browser transfers by signed one-shot link: uploads of many files, downloads as attachments, and links that work once only. */
class SignedLinkApiTest {
    private static final Duration LINK_TTL = SignedLinks.DEFAULT_TTL;

    @TempDir
    static Path dir;
    static TestNode node;
    static FileApi api;

    @BeforeAll
    static void start() {
        // links live the default few minutes, so none runs out while a test uses it on a busy machine; the expiry
        // test steps the node's clock past a link's life instead of waiting for it
        node = TestNode.start(dir, s -> s.withFiles(s.files().withLinkTtl(LINK_TTL).withUploadMaxFileBytes(64 * 1024)));
        api = new FileApi(node, node.create(TestNode.gameServer("links", 0)));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** POSTs a multipart/form-data body of {@code files} (name to content) and a plain field to a signed upload URL. */
    static FileApi.Bin upload(FileApi api, String url, Map<String, String> files) {
        String boundary = "raptor-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot a file\r\n");
        body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        files.forEach((name, content) -> {
            String part = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
            body.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content.getBytes(StandardCharsets.UTF_8));
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return api.send(api.request(url, null).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "POST", url);
    }

    private static FileApi.Bin download(String url) {
        return api.send(api.request(url, null).GET(), "GET", url);
    }

    @Test
    void oneLinkUploadsManyFilesOnceIntoItsDirectory() throws Exception {
        TestNode.Res link = api.post("upload-url", "{\"path\": \"/plugins\"}");
        assertThat(link.status()).isEqualTo(201);
        String url = link.json().get("url").asText();
        assertThat(url).startsWith("/api/v1/files/upload?token=");
        assertThat(link.json().get("path").asText()).isEqualTo("/plugins");

        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.jar", "first");
        files.put("b.jar", "second");
        FileApi.Bin r = upload(api, url, files);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("files").findValuesAsText("path")).containsExactly("/plugins/a.jar", "/plugins/b.jar");
        assertThat(api.root().resolve("plugins/a.jar")).hasContent("first");
        assertThat(api.root().resolve("plugins/b.jar")).hasContent("second");
        assertThat(node.store.activity(UUID.fromString(api.id), Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("files.upload");
            assertThat(e.details()).containsEntry("files", "2").containsKey("by");
        });

        FileApi.Bin replay = upload(api, url, Map.of("c.jar", "third"));
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.json().get("type").asText()).isEqualTo("urn:raptor:problem:link-refused");
        assertThat(replay.json().get("detail").asText()).contains("already used");
        assertThat(api.root().resolve("plugins/c.jar")).doesNotExist();
    }

    @Test
    void aDownloadLinkStreamsTheFileAsAnAttachmentOnce() throws Exception {
        api.put("/world/level.dat", "level data".getBytes(StandardCharsets.UTF_8));
        String url = api.post("download-url", "{\"path\": \"/world/level.dat\"}").json().get("url").asText();

        FileApi.Bin r = download(url);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("level data");
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"level.dat\"; filename*=UTF-8''level.dat");
        assertThat(download(url).status()).isEqualTo(403);
    }

    @Test
    void aDownloadLinkToAFileSwappedForALinkOutsideTheRootServesNothing() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "the node's secret");
        api.put("/world/swapped.dat", "level data".getBytes(StandardCharsets.UTF_8));
        String url = api.post("download-url", "{\"path\": \"/world/swapped.dat\"}").json().get("url").asText();
        Path file = api.root().resolve("world/swapped.dat");
        Files.delete(file);
        Files.createSymbolicLink(file, outside); // after the link was signed, before it is used

        FileApi.Bin r = download(url);
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.text()).doesNotContain("the node's secret");
    }

    @Test
    void anExpiredLinkAndALinkForTheOtherDirectionAreRefused() {
        api.put("/a.txt", "a".getBytes(StandardCharsets.UTF_8));
        String down = api.post("download-url", "{\"path\": \"/a.txt\"}").json().get("url").asText();
        String up = api.post("upload-url", "{\"path\": \"/\"}").json().get("url").asText();
        String upToken = up.substring(up.indexOf("token="));
        FileApi.Bin crossed = download("/api/v1/files/download?" + upToken);
        assertThat(crossed.status()).isEqualTo(403);
        assertThat(crossed.json().get("detail").asText()).contains("files.upload");

        assertThat(Instant.parse(api.post("download-url", "{\"path\": \"/a.txt\"}").json().get("expiresAt").asText()))
                .as("a fresh link is not yet expired").isAfter(node.tokenClock.instant());
        node.tokenClock.step(LINK_TTL.plusSeconds(1));
        FileApi.Bin expired = download(down);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.json().get("detail").asText()).contains("expired");
        assertThat(download("/api/v1/files/download?token=forged.token").status()).isEqualTo(403);
        assertThat(download("/api/v1/files/download").status()).isEqualTo(403);
    }

    @Test
    void aLinkToAFileThatIsGoneIs404AndAnUploadThatIsNotMultipartIs415() throws Exception {
        api.put("/gone.txt", "x".getBytes(StandardCharsets.UTF_8));
        String url = api.post("download-url", "{\"path\": \"/gone.txt\"}").json().get("url").asText();
        Files.delete(api.root().resolve("gone.txt"));
        assertThat(download(url).status()).isEqualTo(404);
        assertThat(api.post("download-url", "{\"path\": \"/gone.txt\"}").status()).isEqualTo(404);

        String up = api.post("upload-url", "{\"path\": \"/\"}").json().get("url").asText();
        FileApi.Bin notMultipart = api.send(api.request(up, null).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("raw")), "POST", up);
        assertThat(notMultipart.status()).isEqualTo(415);
    }

    @Test
    void aFileOverTheNodesUploadLimitIsRefusedAndLeavesNothing() throws Exception {
        FileApi.Bin put = api.put("/big.bin", new byte[100 * 1024]);
        assertThat(put.status()).isEqualTo(413);
        assertThat(put.json().get("maxBytes").asLong()).isEqualTo(64 * 1024);
        String up = api.post("upload-url", "{\"path\": \"/limited\"}").json().get("url").asText();
        FileApi.Bin browser = upload(api, up, Map.of("big.bin", "x".repeat(100 * 1024)));
        assertThat(browser.status()).isEqualTo(413);
        assertThat(api.root().resolve("big.bin")).doesNotExist();
        assertThat(api.root().resolve("limited/big.bin")).doesNotExist();
    }

    @Test
    void anUploadOfABadNameOrForAServerThatIsGoneIsRefused() {
        String up = api.post("upload-url", "{\"path\": \"/\"}").json().get("url").asText();
        FileApi.Bin dots = upload(api, up, Map.of("..", "x"));
        assertThat(dots.status()).as(dots.toString()).isEqualTo(400);

        FileApi gone = new FileApi(node, node.create(TestNode.gameServer("gone", 0)));
        String link = gone.post("upload-url", "{\"path\": \"/\"}").json().get("url").asText();
        assertThat(node.call("DELETE", "/api/v1/servers/" + gone.id, null).status()).isEqualTo(200);
        assertThat(upload(gone, link, Map.of("a.txt", "a")).status()).isEqualTo(404);
    }
}

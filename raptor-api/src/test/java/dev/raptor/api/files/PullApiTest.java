package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pull} against a real HTTP server on loopback: refused by a node that keeps to public targets; on a node that
 * allows private ones, downloaded whole (checksum), refused past the size limit, failed on a remote error, and
 * cancelled mid-download with nothing left behind.
 */
class PullApiTest {
    private static final byte[] PLUGIN = new byte[3 * 1024 * 1024 + 5];

    @TempDir
    static Path dir;
    static HttpServer remote;
    static final CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger requests = new AtomicInteger();
    static TestNode strict;
    static TestNode open;

    @BeforeAll
    static void start() throws IOException {
        new Random(11).nextBytes(PLUGIN);
        remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        remote.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        remote.createContext("/plugin.jar", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(200, PLUGIN.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(PLUGIN);
            }
        });
        remote.createContext("/missing", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        remote.createContext("/slow", x -> {
            x.sendResponseHeaders(200, 0); // chunked, no length
            try (OutputStream o = x.getResponseBody()) {
                o.write(new byte[64 * 1024]);
                o.flush();
                release.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the pull went away: that is the point
            }
        });
        remote.start();
        strict = TestNode.start(dir.resolve("strict"));
        open = TestNode.start(dir.resolve("open"), s -> s.withFiles(s.files().withPullAllowsPrivate(true).withPullMaxBytes(4L * 1024 * 1024)));
    }

    @AfterAll
    static void stop() {
        release.countDown();
        remote.stop(0);
        strict.close();
        open.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + remote.getAddress().getPort() + path;
    }

    private static FileApi server(TestNode node, String name) {
        return new FileApi(node, node.create(TestNode.gameServer(name, 0)));
    }

    @Test
    void aNodeThatKeepsToPublicTargetsRefusesLoopbackWithoutConnecting() {
        FileApi api = server(strict, "strict");
        int before = requests.get();
        TestNode.Res r = api.post("pull", "{\"url\": \"" + url("/plugin.jar") + "\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().get("type").asText()).isEqualTo("urn:raptor:problem:pull-refused");
        assertThat(r.json().get("detail").asText()).contains("127.0.0.1").contains("not a public address");
        assertThat(requests.get()).isEqualTo(before);
        assertThat(api.root().resolve("plugin.jar")).doesNotExist();
    }

    @Test
    void aPullDownloadsTheWholeFileIntoTheServer() throws Exception {
        FileApi api = server(open, "pulls");
        TestNode.Res r = api.post("pull", "{\"url\": \"" + url("/plugin.jar") + "\", \"path\": \"/plugins/plugin.jar\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("done");
        assertThat(r.json().get("progress").get("bytesDone").asLong()).isEqualTo(PLUGIN.length);
        assertThat(sha256(Files.readAllBytes(api.root().resolve("plugins/plugin.jar")))).isEqualTo(sha256(PLUGIN));
        TestNode.Res defaultName = api.post("pull", "{\"url\": \"" + url("/plugin.jar") + "\"}");
        assertThat(defaultName.json().get("path").asText()).isEqualTo("/plugin.jar");
        assertThat(api.root().resolve("plugin.jar")).hasSize(PLUGIN.length);
    }

    @Test
    void aPullPastTheSizeLimitOrOfAMissingFileIsRefused() {
        TestNode small = TestNode.start(dir.resolve("small"), s -> s.withFiles(s.files().withPullAllowsPrivate(true).withPullMaxBytes(1024 * 1024)));
        try {
            FileApi api = server(small, "limited");
            TestNode.Res big = api.post("pull", "{\"url\": \"" + url("/plugin.jar") + "\"}");
            assertThat(big.status()).as(big.toString()).isEqualTo(413);
            assertThat(big.json().get("type").asText()).isEqualTo("urn:raptor:problem:too-large");
            assertThat(api.root().resolve("plugin.jar")).doesNotExist();

            TestNode.Res missing = api.post("pull", "{\"url\": \"" + url("/missing") + "\"}");
            assertThat(missing.status()).as(missing.toString()).isEqualTo(502);
            assertThat(missing.json().get("detail").asText()).contains("404");
        } finally {
            small.close();
        }
    }

    @Test
    void aPullIsCancelledMidDownloadAndLeavesNothing() throws Exception {
        FileApi api = server(open, "cancel");
        TestNode.Res accepted = api.post("pull", "{\"url\": \"" + url("/slow") + "\", \"path\": \"/slow.bin\", \"wait\": false}");
        assertThat(accepted.status()).isEqualTo(202);
        String href = accepted.header("Location");
        await().atMost(TestNode.HANG).until(() -> open.get(href).json().get("progress").get("bytesDone").asLong() > 0);

        TestNode.Res cancelled = open.call("DELETE", href, null);
        assertThat(cancelled.status()).isEqualTo(200);
        await().atMost(TestNode.HANG).until(() -> open.get(href).json().get("status").asText().equals("failed"));
        JsonNode op = open.get(href).json();
        assertThat(op.get("problem").get("type").asText()).isEqualTo("urn:raptor:problem:cancelled");
        assertThat(api.root().resolve("slow.bin")).doesNotExist();
        try (var s = Files.list(api.root())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".raptor-"));
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}

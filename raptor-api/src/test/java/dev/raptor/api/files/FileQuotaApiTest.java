package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quota ({@code limits.diskMiB}) through HTTP: an upload, a copy and a decompression that would pass it are refused
 * with 507 {@code quota-exceeded} naming used and limit, before anything is written.
 */
class FileQuotaApiTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestNode node;
    static FileApi api;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        String id = node.create("""
                {"name": "small", "image": "raptor-test/gameserver:1", "limits": {"diskMiB": 2}}""");
        api = new FileApi(node, id);
        // files the game put there, before Raptor first looks (its first measurement counts them)
        Files.createDirectories(api.root());
        Files.write(api.root().resolve("bomb.zip"), zipOfZeros(5 * MIB));
        byte[] noise = new byte[(int) (600 * 1024)];
        new java.util.Random(5).nextBytes(noise);
        Files.write(api.root().resolve("noise.bin"), noise); // barely compressible: its archive needs about as much again
        assertThat(api.put("/world.dat", new byte[(int) (1200 * 1024)]).status()).isEqualTo(201);
        // a measurement after the game's files appeared (the tracker's refresh, asked for now rather than in ten
        // minutes) counts them: the figure the quota counts from is known and includes them
        node.volumes.diskUsage().requestScan(java.util.UUID.fromString(id)).get(2, java.util.concurrent.TimeUnit.MINUTES);
        await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id + "/stats").json().get("disk").get("usedBytes")
                .asLong(0) >= 1800 * 1024);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static byte[] zipOfZeros(long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            z.putArchiveEntry(new ZipArchiveEntry("zeros.bin"));
            byte[] chunk = new byte[64 * 1024];
            for (long done = 0; done < size; done += chunk.length) {
                z.write(chunk);
            }
            z.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    private static void assertQuotaProblem(JsonNode p, String path) {
        assertThat(p.get("type").asText()).isEqualTo("urn:raptor:problem:quota-exceeded");
        assertThat(p.get("status").asInt()).isEqualTo(507);
        assertThat(p.get("limitBytes").asLong()).isEqualTo(2 * MIB);
        assertThat(p.get("usedBytes").asLong()).isGreaterThanOrEqualTo(1800 * 1024);
        assertThat(p.get("neededBytes").asLong()).isPositive();
        assertThat(p.get("path").asText()).isEqualTo(path);
    }

    private static long hiddenTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.walk(api.root())) {
            return s.filter(p -> p.getFileName().toString().startsWith(".raptor-")).count();
        }
    }

    /**
     * Most clients write their whole body before they read the answer, and not all of it is on the wire at once. The
     * daemon refuses the upload before its first byte, then reads the rest off the connection, so such a client gets
     * the 507 instead of a connection reset under the bytes it was still sending.
     */
    @Test
    void aClientThatWritesItsWholeUploadBeforeReadingGetsTheQuotaRefusal() throws Exception {
        int size = (int) (12 * MIB);
        String head = "PUT " + api.base() + "/content?path=/whole.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + node.apiKey + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + size + "\r\n\r\n";
        String answer;
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                new java.net.InetSocketAddress("127.0.0.1", node.api.port()))) {
            ch.write(java.nio.ByteBuffer.wrap(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            java.nio.ByteBuffer slice = java.nio.ByteBuffer.allocate(64 * 1024);
            for (int sent = 0; sent < size; sent += slice.capacity()) {
                slice.clear();
                while (slice.hasRemaining()) {
                    ch.write(slice);
                }
                Thread.sleep(1); // a client that produces its body as it goes: the server sees it arrive in parts
            }
            answer = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        assertThat(answer).startsWith("HTTP/1.1 507").contains("urn:raptor:problem:quota-exceeded");
        assertThat(api.root().resolve("whole.bin")).doesNotExist();
    }

    @Test
    void anUploadThatWouldPassTheQuotaIsRefusedBeforeWriting() throws Exception {
        FileApi.Bin put = api.put("/too-big.bin", new byte[(int) MIB]);
        assertThat(put.status()).as(put.toString()).isEqualTo(507);
        assertQuotaProblem(put.json(), "/too-big.bin");
        assertThat(api.root().resolve("too-big.bin")).doesNotExist();

        String url = api.post("upload-url", "{\"path\": \"/uploads\"}").json().get("url").asText();
        FileApi.Bin browser = SignedLinkApiTest.upload(api, url, Map.of("big.bin", "x".repeat((int) MIB)));
        assertThat(browser.status()).as(browser.toString()).isEqualTo(507);
        assertQuotaProblem(browser.json(), "/uploads/big.bin");
        assertThat(api.root().resolve("uploads/big.bin")).doesNotExist();
        assertThat(hiddenTemporaryFiles()).isZero();
    }

    @Test
    void aCopyThatWouldPassTheQuotaIsRefusedBeforeWriting() throws Exception {
        TestNode.Res copy = api.post("copy", "{\"path\": \"/world.dat\", \"to\": \"/world-copy.dat\"}");
        assertThat(copy.status()).as(copy.toString()).isEqualTo(507);
        assertQuotaProblem(copy.json(), "/world-copy.dat".equals(copy.json().get("path").asText()) ? "/world-copy.dat" : "/world.dat");
        assertThat(api.root().resolve("world-copy.dat")).doesNotExist();
        assertThat(hiddenTemporaryFiles()).isZero();
    }

    @Test
    void anArchiveThatWouldPassTheQuotaIsCutOffAndRemoved() throws Exception {
        TestNode.Res r = api.post("compress", "{\"paths\": [\"/noise.bin\"], \"destination\": \"/noise.tar.gz\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(507);
        assertThat(r.json().get("type").asText()).isEqualTo("urn:raptor:problem:quota-exceeded");
        assertThat(api.root().resolve("noise.tar.gz")).doesNotExist();
        assertThat(hiddenTemporaryFiles()).isZero();
    }

    @Test
    void aDecompressionWhoseEntriesWouldPassTheQuotaIsRefusedBeforeWriting() throws Exception {
        TestNode.Res r = api.post("decompress", "{\"path\": \"/bomb.zip\", \"destination\": \"/bomb\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(507);
        assertThat(r.header("Location")).startsWith("/api/v1/operations/");
        assertThat(r.json().get("type").asText()).isEqualTo("urn:raptor:problem:quota-exceeded");
        assertThat(r.json().get("limitBytes").asLong()).isEqualTo(2 * MIB);
        assertThat(api.root().resolve("bomb")).doesNotExist();
        assertThat(hiddenTemporaryFiles()).isZero();

        JsonNode op = node.get(r.header("Location")).json();
        assertThat(op.get("status").asText()).isEqualTo("failed");
        assertThat(op.get("problem").get("type").asText()).isEqualTo("urn:raptor:problem:quota-exceeded");
    }
}

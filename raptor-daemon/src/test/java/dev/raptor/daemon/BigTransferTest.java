package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB round trip through a real raptord whose heap is 128 MiB: uploaded by a browser's signed link as
 * multipart/form-data, downloaded by another, the same bytes both ways (SHA-256). A daemon that buffered a transfer
 * whole could not hold it; its resident memory stays far below the file's size.
 */
class BigTransferTest {
    private static final long SIZE = 1L << 30;

    @TempDir
    Path tmp;
    DaemonProcess daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** {@code SIZE} bytes of a cheap, repeatable pattern (not zeros: no file system shortcut), digested as they are read. */
    private static InputStream content(MessageDigest digest) {
        return new InputStream() {
            private long pos;
            private final byte[] block = new byte[64 * 1024];

            {
                new java.util.Random(42).nextBytes(block);
            }

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= SIZE) {
                    return -1;
                }
                int n = (int) Math.min(len, Math.min(SIZE - pos, block.length - (pos % block.length)));
                System.arraycopy(block, (int) (pos % block.length), b, off, n);
                block[(int) (pos % block.length)] ^= (byte) (pos >>> 16); // vary the blocks
                digest.update(b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void aGibibyteGoesUpAndComesBackTheSameThroughA128MiBDaemon() throws Exception {
        String key = ApiKey.generate();
        daemon = TestDaemon.started(DaemonProcess.builder().dataDir(tmp.resolve("data")).socket(tmp.resolve("raptor.sock"))
                .httpPort(DaemonProcess.freePort()).apiKey(key)
                .docker(TestDaemon.dockerHost(), "bigtransfer-" + UUID.randomUUID().toString().substring(0, 8))
                .jvmOptions(java.util.List.of("--enable-native-access=ALL-UNNAMED", "-Xmx128m")) // far less than the file
                .classPath(TestDaemon.classPath()).output(tmp.resolve("raptord.out"), tmp.resolve("raptord.err")));
        JsonNode server = DaemonRequests.json(daemon, "POST", "/api/v1/servers", """
                {"name": "big", "image": "raptor-test/gameserver:1"}""", 201);
        String id = server.get("id").asText();
        String up = DaemonRequests.json(daemon, "POST", "/api/v1/servers/" + id + "/files/upload-url", "{\"path\": \"/world\"}", 201).get("url").asText();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String boundary = "raptor-big-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"region.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(uri(up)).timeout(Duration.ofMinutes(15))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(head),
                        new SequenceInputStream(content(sent), new ByteArrayInputStream(tail))))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(WireJson.parse(uploaded.body()).get("files").get(0).get("bytes").asLong()).isEqualTo(SIZE);
        assertThat(Files.size(tmp.resolve("data/volumes").resolve(id).resolve("world/region.bin"))).isEqualTo(SIZE);
        long rssAfterUpload = residentBytes();

        String down = DaemonRequests.json(daemon, "POST", "/api/v1/servers/" + id + "/files/download-url", "{\"path\": \"/world/region.bin\"}", 201)
                .get("url").asText();
        HttpResponse<InputStream> downloaded = http.send(HttpRequest.newBuilder(uri(down)).timeout(Duration.ofMinutes(15)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.headers().firstValue("Content-Length")).contains(Long.toString(SIZE));
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(downloaded.body(), received)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        long rssAfterDownload = residentBytes();

        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        assertThat(daemon.isAlive()).as("the daemon survived").isTrue();
        // loose: a 128 MiB heap plus the JVM's own; a daemon holding the file would need a gibibyte
        assertThat(rssAfterUpload).as("resident memory after the upload").isLessThan(512L << 20);
        assertThat(rssAfterDownload).as("resident memory after the download").isLessThan(512L << 20);
        assertThat(daemon.output()).doesNotContain("OutOfMemoryError");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + daemon.port() + path);
    }

    private long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the daemon");
    }
}

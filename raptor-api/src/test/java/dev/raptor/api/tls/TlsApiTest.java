package dev.raptor.api.tls;

import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API over TLS as an operator runs it: a certificate made with OpenSSL by a CA of the test's own, laid out like
 * certbot's ({@code live/} links into {@code archive/}), served to curl (HTTP/2 and HTTP/1.1), to OpenSSL's client
 * and to the JDK's WebSocket client over {@code wss://}; a renewal (the links re-pointed to new files) is served
 * without a restart.
 */
class TlsApiTest {
    @TempDir
    static Path dir;
    static TestCertificates.Ca ca;
    static TestNode node;
    static String server;
    static Path live;
    static final String PANEL = "https://panel.example.com";

    @BeforeAll
    static void start() throws IOException {
        ca = TestCertificates.ca(dir.resolve("ca"), "ca");
        TestCertificates.Server first = ca.server("first", "ec");
        Path archive = Files.createDirectories(dir.resolve("letsencrypt/archive/node.example"));
        live = Files.createDirectories(dir.resolve("letsencrypt/live/node.example"));
        Files.copy(first.certificate(), archive.resolve("fullchain1.pem"));
        Files.copy(first.key(), archive.resolve("privkey1.pem"));
        Files.createSymbolicLink(live.resolve("fullchain.pem"), Path.of("../../archive/node.example/fullchain1.pem"));
        Files.createSymbolicLink(live.resolve("privkey.pem"), Path.of("../../archive/node.example/privkey1.pem"));
        TlsSettings tls = new TlsSettings(live.resolve("fullchain.pem"), live.resolve("privkey.pem"), Duration.ofMillis(200));
        node = TestNode.start(dir.resolve("node"), s -> s.withSecurity(s.security().withTls(tls).withAllowedOrigins(List.of(PANEL))));
        server = node.create(TestNode.gameServer("tls", 0));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    record Run(int exit, String out) {
    }

    static Run run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " hung: " + out);
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + " (scripts/test-tools.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String https(String path) {
        return "https://127.0.0.1:" + node.api.port() + path;
    }

    /** curl with only {@code caFile} trusted: {@code <http version> <status>} then the body. */
    static Run curl(Path caFile, String version, String path) {
        List<String> c = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--cacert", caFile.toString(), version,
                "-H", "Authorization: Bearer " + node.apiKey, "-w", "\n%{http_version} %{http_code}", https(path)));
        return run(c.toArray(String[]::new));
    }

    @Test
    void curlTrustingTheCaSpeaksHttp2ToTheApi() {
        Run r = curl(ca.certificate(), "--http2", "/api/v1/servers/" + server);

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("\"id\":\"" + server + "\"").endsWith("\n2 200");
    }

    @Test
    void aClientThatDoesNotOfferHttp2GetsHttp11OnTheSamePort() {
        Run r = curl(ca.certificate(), "--http1.1", "/api/v1/servers/" + server);

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).endsWith("\n1.1 200");
    }

    @Test
    void theJdkClientNegotiatesHttp2AndIsServed() throws Exception {
        var res = node.http.send(java.net.http.HttpRequest.newBuilder(node.uri("/api/v1/servers"))
                .header("Authorization", "Bearer " + node.apiKey).timeout(TestNode.HANG).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(res.statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpOnTheTlsPortIsAnswered400SayingToUseHttps() {
        Run r = run("curl", "-sS", "--max-time", "60", "-w", "\n%{http_code}", "http://127.0.0.1:" + node.api.port() + "/api/v1/health");

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("https-required").contains("https://").endsWith("\n400");
    }

    @Test
    void tls12IsServedAndTls11IsRefused() {
        String connect = "127.0.0.1:" + node.api.port();
        Run tls12 = run("openssl", "s_client", "-connect", connect, "-tls1_2", "-CAfile", ca.certificate().toString(), "-verify_return_error");
        // SECLEVEL=0 lets OpenSSL's client offer TLS 1.1 at all: the refusal must come from the server.
        Run tls11 = run("openssl", "s_client", "-connect", connect, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");

        assertThat(tls12.exit()).as(tls12.out()).isZero();
        assertThat(tls12.out()).contains("Protocol  : TLSv1.2");
        assertThat(tls11.exit()).as(tls11.out()).isNotZero();
        assertThat(tls11.out()).as("the server's alert").contains("alert protocol version").contains("no peer certificate available");
    }

    @Test
    void curlUpgradesToTheConsoleSocketOverTls() {
        // curl 7.88 has no ws:// support of its own: the upgrade is asked by hand, its 101 is what counts. The socket then
        // stays open, so curl is stopped by --max-time (exit 28) once the answer is in.
        Run r = run("curl", "-sS", "-i", "-N", "--http1.1", "--max-time", "5", "--cacert", ca.certificate().toString(),
                "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Authorization: Bearer " + node.apiKey,
                https("/api/v1/servers/" + server + "/ws"));

        assertThat(r.out()).as("exit " + r.exit()).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void aBrowserLikeClientOpensTheConsoleSocketOverWssFromAnAllowedOriginAndAuthenticatesWithAServerToken() throws Exception {
        String token = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\":[\"console.read\"],\"expiresIn\":300}")
                .json().get("token").asText();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpClient client = HttpClient.newBuilder().sslContext(TestNode.trusting(ca.certificate())).build();
        URI wss = URI.create("wss://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + server + "/ws");

        WebSocket ws = client.newWebSocketBuilder().header("Origin", PANEL)
                .buildAsync(wss, new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).orTimeout(60, TimeUnit.SECONDS).join();
        try {
            ws.sendText("{\"event\":\"auth\",\"args\":[\"" + token + "\"]}", true).orTimeout(30, TimeUnit.SECONDS).join();
            String message;
            do {
                message = received.poll(60, TimeUnit.SECONDS);
                assertThat(message).as("an answer to auth").isNotNull();
            } while (!message.contains("\"auth success\"") && !message.contains("\"jwt error\""));
            assertThat(message).contains("\"auth success\"");
        } finally {
            ws.abort();
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutRestart() throws IOException {
        String before = servedSerial();
        TestCertificates.Server renewed = ca.server("renewed", "rsa");
        assertThat(renewed.serial()).isNotEqualToIgnoringCase(before);

        // As certbot renews: new files in archive/, then the live/ links re-pointed (each replaced atomically).
        Path archive = dir.resolve("letsencrypt/archive/node.example");
        Files.copy(renewed.certificate(), archive.resolve("fullchain2.pem"));
        Files.copy(renewed.key(), archive.resolve("privkey2.pem"));
        relink(live.resolve("fullchain.pem"), "../../archive/node.example/fullchain2.pem");
        relink(live.resolve("privkey.pem"), "../../archive/node.example/privkey2.pem");

        await().atMost(TestNode.HANG).pollInterval(Duration.ofMillis(200)).until(() -> servedSerial().equalsIgnoreCase(renewed.serial()));
        Run r = curl(ca.certificate(), "--http2", "/api/v1/servers/" + server);
        assertThat(r.out()).as("the renewed certificate serves requests").endsWith("\n2 200");
        assertThat(node.api.certificate().orElseThrow().certificate().getSerialNumber().toString(16)).isEqualToIgnoringCase(renewed.serial());
    }

    /** The serial number of the certificate a new TLS handshake is served, in hex. */
    static String servedSerial() throws IOException {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestNode.trusting(ca.certificate()).getSocketFactory()
                .createSocket("127.0.0.1", node.api.port())) {
            s.setSoTimeout(60_000);
            s.startHandshake();
            return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
        }
    }

    private static void relink(Path link, String target) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(target));
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

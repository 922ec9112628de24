package dev.raptor.api.console;

import dev.raptor.api.auth.Permission;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An install's output reaches console sockets on the real Docker engine as install output, for install.read only. */
class InstallOutputSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void anInstallsLinesAreSentAsInstallOutputToASocketWhoseTokenMayReadThem() throws Exception {
        String id = node.create(TestNode.gameServer("socket-install", 0));
        URI ws = URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + id + "/ws");
        String reader = node.tokens(Clock.systemUTC()).issue(UUID.fromString(id),
                Set.of(Permission.CONSOLE_READ, Permission.INSTALL_READ), Duration.ofMinutes(5)).token();
        String consoleOnly = node.tokens(Clock.systemUTC()).issue(UUID.fromString(id),
                Set.of(Permission.CONSOLE_READ), Duration.ofMinutes(5)).token();
        HttpClient http = HttpClient.newHttpClient();
        try (SocketClient allowed = SocketClient.connect(http, ws, reader);
             SocketClient refused = SocketClient.connect(http, ws, consoleOnly)) {
            allowed.await("auth success", WAIT);
            refused.await("auth success", WAIT);

            TestNode.Res installed = node.post("/api/v1/servers/" + id + "/install", """
                    {"script": "echo fetching the pack; echo 'unpacked 3 files' >&2; echo ok > /mnt/server/ok.txt", "timeout": 120}""");
            assertThat(installed.status()).as(installed.toString()).isEqualTo(200);
            assertThat(installed.json().get("status").asText()).isEqualTo("done");

            // Raptor's last line comes after every line of the script's (stdout and stderr, each in its order)
            allowed.await(e -> e.event().equals("install output") && e.arg().equals("[Raptor] install done"), WAIT);
            assertThat(allowed.events()).filteredOn(e -> e.event().equals("install output")).extracting(SocketClient.Event::arg)
                    .contains("fetching the pack", "unpacked 3 files").first().asString().startsWith("[Raptor] install started");
            // the other socket saw the install happen (its states) but none of its lines
            refused.await(e -> e.event().equals("status") && e.arg().equals("installing"), WAIT);
            refused.await(e -> e.event().equals("status") && e.arg().equals("offline"), WAIT);
            assertThat(refused.events()).noneMatch(e -> e.event().equals("install output"));
        }
    }
}

package dev.raptor.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A backup and a restore of a server, told on its console socket as backup started|progress|completed events. */
class BackupEventsSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

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
    void aBackupAndARestoreAreToldOnTheConsoleSocket() throws Exception {
        String id = node.create(TestNode.gameServer("socket-backups", 0));
        Path root = node.fleet.settings().volumesRoot().resolve(id);
        Files.createDirectories(root);
        Files.writeString(root.resolve("world.dat"), "saved");
        URI ws = URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + id + "/ws");
        try (SocketClient c = SocketClient.connect(HttpClient.newHttpClient(), ws, node.apiKey)) {
            c.await("auth success", WAIT);

            String backupId = node.post("/api/v1/servers/" + id + "/backups", "{}").json().get("backupId").asText();

            JsonNode started = WireJson.parse(c.await("backup started", WAIT).arg());
            JsonNode completed = WireJson.parse(c.await("backup completed", WAIT).arg());
            assertThat(started.get("operation").asText()).isEqualTo("backup");
            assertThat(started.get("backup").get("status").asText()).isEqualTo("running");
            assertThat(completed.get("backup").get("id").asText()).isEqualTo(backupId);
            assertThat(completed.get("backup").get("status").asText()).isEqualTo("completed");

            node.post("/api/v1/servers/" + id + "/backups/" + backupId + "/restore", "{}");

            JsonNode restored = WireJson.parse(c.await(e -> e.event().equals("backup completed")
                    && e.arg().contains("\"operation\":\"restore\""), WAIT).arg());
            assertThat(restored.get("backup").get("id").asText()).isEqualTo(backupId);
            assertThat(c.events()).filteredOn(e -> e.event().equals("backup progress"))
                    .extracting(e -> WireJson.parse(e.arg()).get("progress").get("stage").asText())
                    .contains("archiving", "swapping");
        }
    }
}

package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spec's backup schedule on a real raptord: backups are made on their own, retention keeps the spec's
 * {@code max} newest, and both go on after the daemon restarts (the schedule is stored with the spec and counts from
 * the newest backup in the store).
 */
class ScheduledBackupDaemonTest {
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    final String node = "schedule-" + UUID.randomUUID().toString().substring(0, 8);
    final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        TestDaemon.removeContainers(node);
    }

    private DaemonProcess daemon() {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        DaemonProcess d = TestDaemon.launch(tmp, "raptord-" + daemons.size(), env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        return d;
    }

    /** The server's files, as its first start or an upload would leave them (a server without files is not backed up). */
    private void worldOf(String id) {
        try {
            Path root = tmp.resolve("data").resolve("volumes").resolve(id);
            java.nio.file.Files.createDirectories(root.resolve("world"));
            java.nio.file.Files.writeString(root.resolve("world/level.dat"), "level");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<JsonNode> completed(DaemonProcess d, String id) {
        JsonNode list = DaemonRequests.json(d, "GET", "/api/v1/servers/" + id + "/backups", null, 200).get("backups");
        return StreamSupport.stream(list.spliterator(), false).filter(b -> b.get("status").asText().equals("completed")).toList();
    }

    private static long completedInActivity(DaemonProcess d, String id) {
        return DaemonRequests.json(d, "GET", "/api/v1/servers/" + id + "/activity?limit=200", null, 200)
                .findValuesAsText("type").stream().filter("backup.completed"::equals).count();
    }

    @Test
    void scheduledBackupsRunKeepTheSpecsMaxAndGoOnAfterARestart() {
        DaemonProcess first = daemon();
        String id = DaemonRequests.json(first, "POST", "/api/v1/servers", """
                {"name": "scheduled", "image": "raptor-test/gameserver:1",
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20},
                 "backups": {"schedule": "@every 2s", "max": 2}}""", 201).get("id").asText();
        worldOf(id);

        await().atMost(WAIT).until(() -> completedInActivity(first, id) >= 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(completed(first, id)).hasSize(2));
        first.close();
        Instant restarted = Instant.now();

        DaemonProcess second = daemon();
        JsonNode spec = DaemonRequests.json(second, "GET", "/api/v1/servers/" + id, null, 200).get("backups");
        assertThat(spec.toString()).isEqualTo("{\"schedule\":\"@every 2s\",\"max\":2}");
        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> kept = completed(second, id);
            assertThat(kept).hasSize(2);
            assertThat(kept).anyMatch(b -> Instant.parse(b.get("createdAt").asText()).isAfter(restarted));
        });
    }
}

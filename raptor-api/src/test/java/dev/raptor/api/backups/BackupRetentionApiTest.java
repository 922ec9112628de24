package dev.raptor.api.backups;

import dev.raptor.api.testing.TestNode;
import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.retention.RetentionPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's retention policy (raptord's {@code backupMax}) applied by the backup routes, on a real store and local storage. */
class BackupRetentionApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.startWithBackups(dir, BackupSettings.defaults().withRetention(new RetentionPolicy(2, 0)));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aSuccessfulBackupPrunesTheOldestUnlockedOnesBeyondTheNodesMaxAndNeverALockedOne() throws Exception {
        String server = node.create(TestNode.gameServer("retained", 0));
        String base = "/api/v1/servers/" + server + "/backups";
        Files.createDirectories(node.fleet.settings().volumesRoot().resolve(server));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestNode.Res r = node.post(base, "{\"name\": \"b" + i + "\"}");
            assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
            made.add(r.json().get("backupId").asText());
        }
        assertThat(node.post(base + "/" + made.get(0) + "/lock", null).status()).isEqualTo(200);

        for (int i = 2; i < 4; i++) {
            TestNode.Res r = node.post(base, "{\"name\": \"b" + i + "\"}");
            assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
            made.add(r.json().get("backupId").asText());
        }

        // the locked first one counts towards the two kept and is never pruned: the unlocked ones go oldest first
        assertThat(node.get(base).json().get("backups").findValuesAsText("id")).containsExactly(made.get(0), made.get(3));
        assertThat(node.get(base + "/" + made.get(1)).status()).isEqualTo(404);
        assertThat(node.get(base + "/" + made.get(2)).status()).isEqualTo(404);
        try (var archives = Files.list(dir.resolve("backups").resolve(server))) {
            assertThat(archives.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    made.get(0) + ".tar.zst", made.get(3) + ".tar.zst");
        }
    }
}

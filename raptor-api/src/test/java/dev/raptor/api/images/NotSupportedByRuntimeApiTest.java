package dev.raptor.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the process runtime, which has no images and no networks, every such verb is refused at once with a 422
 * {@code not-supported-by-runtime} naming what is missing: never a silent no-op, never an operation that fails later.
 * Exec, which it does, runs, as the server's user only.
 */
class NotSupportedByRuntimeApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.startOnProcesses(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void refused(TestNode.Res r, String what) {
        assertThat(r.status()).as(what + ": " + r).isEqualTo(422);
        assertThat(r.json().get("type").asText()).as(what).endsWith("not-supported-by-runtime");
        assertThat(r.json().get("detail").asText()).as(what).isNotBlank();
    }

    @Test
    void imagesAndNetworksAreRefusedWith422() {
        refused(node.get("/api/v1/images"), "list images");
        refused(node.post("/api/v1/images/pull", "{\"image\": \"ghcr.io/org/game:1\"}"), "pull");
        refused(node.call("DELETE", "/api/v1/images/ghcr.io%2Forg%2Fgame:1", null), "remove an image");
        refused(node.post("/api/v1/images/prune", "{}"), "prune");
        refused(node.get("/api/v1/networks"), "list networks");
        refused(node.post("/api/v1/networks", "{\"name\": \"eu\"}"), "create a network");
        refused(node.call("DELETE", "/api/v1/networks/eu", null), "remove a network");
    }

    @Test
    void aCommitOfARunningServerIsRefusedWith422WhileExecRuns() {
        String id = node.create("{\"name\": \"sleeper\", \"startup\": \"sleep 600\"}");
        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(started.json().get("state").asText()).as(started.toString()).isEqualTo("running");

        refused(node.post("/api/v1/servers/" + id + "/commit", "{\"repository\": \"backups/sleeper\"}"), "commit");

        TestNode.Res exec = node.post("/api/v1/servers/" + id + "/exec", "{\"command\": [\"sh\", \"-c\", \"echo on-processes; exit 4\"]}");
        assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
        JsonNode result = exec.json();
        assertThat(result.get("exitCode").asInt()).isEqualTo(4);
        assertThat(result.get("stdout").asText()).isEqualTo("on-processes\n");
        assertThat(List.of(result.get("timedOut").asBoolean())).containsExactly(false);

        // every command runs as the server's user here: another one is refused, not quietly ignored
        TestNode.Res asRoot = node.post("/api/v1/servers/" + id + "/exec", "{\"command\": [\"id\"], \"user\": \"0\"}");
        assertThat(asRoot.status()).as(asRoot.toString()).isEqualTo(422);
        assertThat(asRoot.json().get("type").asText()).endsWith("engine-rejected");
    }
}

package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Power requests that do not wait, or whose wait runs out, answer 202 with an operation that later reports the outcome. */
class OperationsTest {
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

    static JsonNode awaitFinished(String location) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            TestNode.Res r = node.get(location);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            last[0] = r.json();
            return !last[0].get("status").asText().equals("pending");
        });
        return last[0];
    }

    @Test
    void startWithoutWaitingAnswers202AndTheOperationReportsTheOutcome() {
        String id = node.create(TestNode.gameServer("no-wait", 2));
        TestNode.Res accepted = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"wait\": false}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).startsWith("/api/v1/operations/").isEqualTo(accepted.json().get("href").asText());
        assertThat(accepted.json().get("status").asText()).isEqualTo("pending");
        assertThat(accepted.json().get("serverId").asText()).isEqualTo(id);

        JsonNode done = awaitFinished(location);
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(done.get("state").asText()).isEqualTo("running");
        assertThat(done.get("finishedAt").isTextual()).isTrue();
        assertThat(node.call("DELETE", "/api/v1/servers/" + id + "?force=true", null).json().get("status").asText()).isEqualTo("done");
    }

    @Test
    void aWaitThatRunsOutAnswers202AndTheActionGoesOn() {
        String id = node.create(TestNode.gameServer("short-wait", 4));
        TestNode.Res accepted = node.post("/api/v1/servers/" + id + "/power?timeout=0.5", "{\"action\": \"start\"}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("status").asText()).isEqualTo("pending");
        // "pending" above is the proof that the wait ran out before the boot ended; the state read next may come after
        // the 4 s boot on a busy machine, so it may already be running; what it must never be is a start given up
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).as("the action goes on").isIn("starting", "running");

        JsonNode done = awaitFinished(accepted.header("Location"));
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).isEqualTo("running");
        node.call("DELETE", "/api/v1/servers/" + id + "?force=true", null);
    }

    @Test
    void aStopDuringAStartSupersedesItAndBothAreAnswered() {
        // a boot that outlasts the test: the start cannot finish before the kill reaches it, however late that is
        String id = node.create(TestNode.gameServer("superseded", 3600));
        TestNode.Res start = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"wait\": false}");
        await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id).json().get("state").asText().equals("starting"));
        TestNode.Res stop = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"kill\"}");
        assertThat(stop.status()).as(stop.toString()).isEqualTo(200);
        assertThat(stop.json().get("status").asText()).isEqualTo("done");
        JsonNode started = awaitFinished(start.header("Location"));
        assertThat(started.get("status").asText()).isEqualTo("superseded");
        assertThat(started.get("supersededBy").asText()).isEqualTo("kill");
        node.call("DELETE", "/api/v1/servers/" + id, null);
    }

    @Test
    void shuttingTheApiDownAnswersWaitingRequestsInsteadOfCuttingThem(@TempDir Path own) throws Exception {
        try (TestNode other = TestNode.start(own)) {
            // a boot that outlasts the test, and a request that would wait longer than the hang deadline below: an
            // answer at all means the shutdown answered the request, without waiting for the boot or the request's timeout
            String id = other.create(TestNode.gameServer("waiting", 3600));
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> other.post("/api/v1/servers/" + id + "/power?timeout=" + 2 * TestNode.HANG.toSeconds(), "{\"action\": \"start\"}"));
            await().atMost(TestNode.HANG).until(() -> other.get("/api/v1/servers/" + id).json().get("state").asText().equals("starting"));
            other.api.close();
            TestNode.Res answer = waiting.get(TestNode.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
            assertThat(answer.json().get("status").asText()).isEqualTo("pending");
        }
    }

    @Test
    void anOperationStillAnswersAfterTheNodeRestarts(@TempDir Path own) {
        String location;
        JsonNode finished;
        try (TestNode before = TestNode.start(own)) {
            String id = before.create(TestNode.gameServer("restarted", 0));
            TestNode.Res accepted = before.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"wait\": false}");
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
            location = accepted.header("Location");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !before.get(location).json().get("status").asText().equals("pending"));
            finished = before.get(location).json();
            assertThat(finished.get("status").asText()).isEqualTo("done");
        } // closing flushes the outcomes still being written, as the daemon's shutdown does

        try (TestNode after = TestNode.start(own)) {
            TestNode.Res r = after.get(location);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json()).isEqualTo(finished);
        }
    }

    @Test
    void aDeleteWithoutWaitingAnswers202AndItsOperationReportsTheRemoval() {
        String id = node.create(TestNode.gameServer("delete-no-wait", 0));
        TestNode.Res accepted = node.call("DELETE", "/api/v1/servers/" + id + "?wait=false", null);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("action").asText()).isEqualTo("delete");

        JsonNode done = awaitFinished(accepted.header("Location"));
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(node.get("/api/v1/servers/" + id).status()).isEqualTo(404);
    }

    @Test
    void anUnknownOperationIs404() {
        TestNode.Res r = node.get("/api/v1/operations/no-such-operation");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.isProblem()).isTrue();
    }

    @Test
    void patchWithApplyNowRecreatesTheRunningServer() {
        String id = node.create(TestNode.gameServer("apply-now", 0));
        assertThat(node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}").json().get("state").asText()).isEqualTo("running");
        String before = node.get("/api/v1/servers/" + id).json().get("containerId").asText();

        TestNode.Res patched = node.send("PATCH", "/api/v1/servers/" + id + "?apply=now",
                "{\"environment\": {\"GREETING\": \"hello\"}, \"limits\": {\"memoryMiB\": 256}}",
                "Authorization", "Bearer " + node.apiKey, "If-Match", "\"1\"", "Content-Type", "application/merge-patch+json");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        JsonNode doc = patched.json();
        assertThat(doc.get("version").asLong()).isEqualTo(2);
        assertThat(doc.get("environment").get("GREETING").asText()).isEqualTo("hello");
        assertThat(doc.get("environment").get("BOOT_DELAY").asText()).as("merge patch keeps other members").isEqualTo("0");
        assertThat(doc.get("limits").get("memoryMiB").asLong()).isEqualTo(256);
        JsonNode op = awaitFinished(patched.header("Operation-Location"));
        assertThat(op.get("status").asText()).isEqualTo("done");
        JsonNode after = node.get("/api/v1/servers/" + id).json();
        assertThat(after.get("state").asText()).isEqualTo("running");
        assertThat(after.get("containerId").asText()).isNotEqualTo(before);

        TestNode.Res echoed = node.post("/api/v1/servers/" + id + "/commands", "{\"command\": \"echo-env GREETING\"}");
        assertThat(echoed.status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(node.get("/api/v1/servers/" + id + "/logs").json().get("lines").findValuesAsText("text")).anyMatch(l -> l.contains("hello")));
        node.call("DELETE", "/api/v1/servers/" + id + "?force=true", null);
    }

    @Test
    void deletingARunningServerStopsItByItsPolicy() {
        String id = node.create(TestNode.gameServer("stop-on-delete", 0));
        node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        TestNode.Res deleted = node.call("DELETE", "/api/v1/servers/" + id, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("status").asText()).isEqualTo("done");
        assertThat(node.store.activity(java.util.UUID.fromString(id), Long.MAX_VALUE, 100).stream().map(e -> e.message()))
                .anyMatch(m -> m.contains("stopped (exit code 0)"));
        assertThat(node.get("/api/v1/servers/" + id).status()).isEqualTo(404);
    }
}

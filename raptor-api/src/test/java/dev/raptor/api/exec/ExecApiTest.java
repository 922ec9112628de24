package dev.raptor.api.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exec over the API on the real engine: a command answered with its output and exit code, its activity entry, the
 * {@code exec} permission of tokens (which nothing else implies), and the interactive socket driving a shell in a
 * terminal.
 */
class ExecApiTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestNode node;
    static String running;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        running = node.create(TestNode.gameServer("exec-api", 0));
        TestNode.Res started = node.post("/api/v1/servers/" + running + "/power", "{\"action\": \"start\"}");
        assertThat(started.json().get("state").asText()).as(started.toString()).isEqualTo("running");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String exec(String id) {
        return "/api/v1/servers/" + id + "/exec";
    }

    private String token(String... permissions) {
        String list = String.join("\", \"", permissions);
        return node.post("/api/v1/servers/" + running + "/tokens", "{\"permissions\": [\"" + list + "\"]}").json().get("token").asText();
    }

    private URI socket(String id) {
        return URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + id + "/exec/ws");
    }

    @Test
    void aCommandAnswersItsOutputAndExitCodeAndIsWrittenToTheActivityLog() {
        TestNode.Res r = node.post(exec(running), "{\"command\": [\"sh\", \"-c\", \"echo out; echo err >&2; exit 3\"]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("exitCode").asInt()).isEqualTo(3);
        assertThat(body.get("stdout").asText()).isEqualTo("out\n");
        assertThat(body.get("stderr").asText()).isEqualTo("err\n");
        assertThat(body.get("timedOut").asBoolean()).isFalse();

        JsonNode activity = node.get("/api/v1/servers/" + running + "/activity?limit=20").json();
        assertThat(activity.findValues("type").stream().map(JsonNode::asText)).contains("exec");
        JsonNode entry = null;
        for (JsonNode e : activity.get("entries")) {
            if (e.get("type").asText().equals("exec")) {
                entry = e;
                break;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.get("details").get("command").asText()).isEqualTo("sh -c 'echo out; echo err >&2; exit 3'");
        assertThat(entry.get("details").get("by").asText()).isEqualTo("node API key");
        assertThat(entry.get("details").get("exitCode").asText()).isEqualTo("3");
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndSaysSo() {
        TestNode.Res r = node.post(exec(running), "{\"command\": [\"sleep\", \"300\"], \"timeoutSeconds\": 1}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("timedOut").asBoolean()).isTrue();
    }

    @Test
    void aBadRequestNamesEveryBadMember() {
        TestNode.Res r = node.post(exec(running), "{\"command\": [], \"workingDir\": \"relative\", \"timeoutSeconds\": 99999, \"shell\": true}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("command", "workingDir", "timeoutSeconds", "shell");
    }

    @Test
    void execOnAStoppedServerIsAConflict() {
        String stopped = node.create(TestNode.gameServer("exec-stopped", 0));
        TestNode.Res r = node.post(exec(stopped), "{\"command\": [\"true\"]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("type").asText()).endsWith("server-not-running");
    }

    @Test
    void aTokenNeedsTheExecPermissionWhichNoOtherImplies() {
        String everythingElse = token("console.read", "console.write", "power", "files.read", "files.write");
        TestNode.Res refused = node.send("POST", exec(running), "{\"command\": [\"true\"]}", "Authorization", "Bearer " + everythingElse);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).contains("'exec'");

        String withExec = token("exec");
        TestNode.Res ran = node.send("POST", exec(running), "{\"command\": [\"sh\", \"-c\", \"echo token\"]}",
                "Authorization", "Bearer " + withExec);
        assertThat(ran.status()).as(ran.toString()).isEqualTo(200);
        assertThat(ran.json().get("stdout").asText()).isEqualTo("token\n");
    }

    @Test
    void anInteractiveShellRunsCommandsResizesAndEndsWithItsExitCode() throws Exception {
        try (ExecSocketClient c = ExecSocketClient.connect(node.http, socket(running), node.apiKey)) {
            c.text("{\"type\": \"start\", \"command\": [\"sh\"], \"columns\": 100, \"rows\": 30}");
            await().atMost(HANG).until(() -> c.message("started") != null);
            c.type("echo interactive  session\n");
            await().atMost(HANG).until(() -> c.stdout().contains("interactive session"));
            c.type("stty size\n");
            await().atMost(HANG).until(() -> c.stdout().contains("30 100"));
            c.resize(132, 43);
            c.type("stty size\n");
            await().atMost(HANG).until(() -> c.stdout().contains("43 132"));
            c.type("exit 7\n");
            assertThat(c.closed.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(c.message("exit").get("exitCode").asInt()).isEqualTo(7);
            assertThat(c.disagreements()).isEmpty();
        }
        await().atMost(HANG).until(() -> node.api.execSocketCount() == 0);
    }

    @Test
    void aBrowserPutsItsTokenInTheStartMessageAndATokenWithoutExecIsRefused() throws Exception {
        try (ExecSocketClient c = ExecSocketClient.connect(node.http, socket(running), null)) {
            c.text("{\"type\": \"start\", \"command\": [\"sh\", \"-c\", \"echo from a browser\"], \"tty\": false, \"token\": \""
                    + token("exec") + "\"}");
            assertThat(c.closed.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(c.stdout()).isEqualTo("from a browser\n");
            assertThat(c.message("exit").get("exitCode").asInt()).isZero();
        }
        try (ExecSocketClient c = ExecSocketClient.connect(node.http, socket(running), null)) {
            c.text("{\"type\": \"start\", \"command\": [\"sh\"], \"token\": \"" + token("console.write") + "\"}");
            assertThat(c.closed.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4003);
            assertThat(c.message("error").get("problem").get("status").asInt()).isEqualTo(403);
            assertThat(c.disagreements()).isEmpty();
        }
        try (ExecSocketClient c = ExecSocketClient.connect(node.http, socket(running), null)) {
            c.text("{\"type\": \"start\", \"command\": [\"sh\"], \"token\": \"not-a-credential\"}");
            assertThat(c.closed.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4001);
            assertThat(c.message("error").get("problem").get("status").asInt()).isEqualTo(401);
        }
    }

    @Test
    void anInteractiveExecOnAStoppedServerEndsWithAConflict() throws Exception {
        String stopped = node.create(TestNode.gameServer("exec-ws-stopped", 0));
        try (ExecSocketClient c = ExecSocketClient.connect(node.http, socket(stopped), node.apiKey)) {
            c.text("{\"type\": \"start\", \"command\": [\"sh\"]}");
            assertThat(c.closed.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4009);
            assertThat(c.message("error").get("problem").get("type").asText()).endsWith("server-not-running");
        }
    }
}

package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.testing.TestNode;
import dev.raptor.api.tls.TlsSettings;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.core.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The link between a manager and its node agents, on one machine (the agent in this JVM on its own volumes directory,
 * the manager on the in-memory engine): TLS with certificates openssl makes ({@link TestCertificates}) and a CA the
 * manager is given, the agent's block of an address that sends wrong keys, and the activity entries of operations
 * that end on the agent after their {@code 202} reaching the manager's log. The forwarding itself:
 * {@link NodeAgentProxyTest}.
 */
class NodeAgentLinkTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TestAgent fixture = new TestAgent(() -> tmp);

    private NodeAgentServer tlsAgent(String key, TestCertificates.Server cert) {
        return fixture.agent(key, s -> s.withSecurity(s.security().withTls(TlsSettings.of(cert.certificate(), cert.key()))));
    }

    private Path agentFile(String id, String path) {
        return fixture.agentVolumes().resolve(id).resolve(path);
    }

    // ------------------------------------------------------------------ TLS

    @Test
    void anAgentWithACertificateServesHttpsAndTheManagerReachesItThroughTheAgentsCa() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "agents-ca");
        String key = ApiKey.generate();
        NodeAgentServer agent = tlsAgent(key, ca.server("agent", "ec"));
        assertThat(agent.scheme()).isEqualTo("https");
        TestNode api = fixture.manager("https://127.0.0.1:" + agent.port(), key, ca.certificate());
        String id = api.create(TestAgent.onThisNode("tls-files"));

        TestNode.Res written = api.sendBytes("PUT", "/api/v1/servers/" + id + "/files/content?path=/secret.txt",
                "over tls".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(written.status()).as(written.toString()).isEqualTo(201);
        assertThat(agentFile(id, "secret.txt")).hasContent("over tls");
        TestNode.Res read = api.get("/api/v1/servers/" + id + "/files/content?path=/secret.txt");
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("over tls");

        // the agent's port speaks nothing but TLS: a plain request (the key in the clear) is refused, not served
        try (HttpClient plain = HttpClient.newHttpClient()) {
            HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port()
                    + "/api/v1/servers/" + id + "/files?path=/")).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("https-required");
        }
    }

    @Test
    void anAgentWhoseCertificateIsNotOfTheGivenCaIsRefusedWith503NamingTheTlsHandshake() throws Exception {
        TestCertificates.Ca agentsCa = TestCertificates.ca(tmp.resolve("ca"), "agents-ca");
        TestCertificates.Ca otherCa = TestCertificates.ca(tmp.resolve("other-ca"), "other-ca");
        String key = ApiKey.generate();
        NodeAgentServer agent = tlsAgent(key, agentsCa.server("agent", "rsa"));
        TestNode api = fixture.manager("https://127.0.0.1:" + agent.port(), key, otherCa.certificate());
        String id = api.create(TestAgent.onThisNode("wrong-ca"));

        TestNode.Res r = api.sendBytes("PUT", "/api/v1/servers/" + id + "/files/content?path=/a.txt",
                "never".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(r.json().get("detail").asText()).contains("TLS handshake").contains("https://127.0.0.1:" + agent.port())
                .contains("RAPTOR_SWARM_AGENT_CA").contains(otherCa.certificate().toString());
        assertThat(r.json().get("serverId").asText()).isEqualTo(id);
        assertThat(agentFile(id, "a.txt")).as("nothing was sent to an agent that did not prove itself").doesNotExist();
    }

    @Test
    void anHttpsAgentListedAsHttpAnswers503SayingToListItAsHttps() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "agents-ca");
        String key = ApiKey.generate();
        NodeAgentServer agent = tlsAgent(key, ca.server("agent", "ec"));
        TestNode api = fixture.manager("http://127.0.0.1:" + agent.port(), key, null);
        String id = api.create(TestAgent.onThisNode("plain-listed"));

        TestNode.Res r = api.get("/api/v1/servers/" + id + "/files?path=/");
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(r.json().get("detail").asText()).contains("speaks HTTPS only").contains("https://127.0.0.1:" + agent.port());
    }

    // ------------------------------------------------------------------ wrong keys

    private static HttpResponse<String> askAgent(HttpClient client, int port, String key) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/operations/none"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void wrongAgentKeysFromOneAddressBlockItEvenForTheRightKeyWhileOtherAddressesAreServed() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key, s -> s.withSecurity(s.security().withAuthLimit(FailedAuthLimit.Settings.DEFAULTS.withLimit(3))));
        try (HttpClient guesser = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.1")).build();
             HttpClient manager = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(askAgent(guesser, agent.port(), ApiKey.generate()).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = askAgent(guesser, agent.port(), ApiKey.generate());
            assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
            assertThat(blocked.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();
            assertThat(blocked.body()).contains("too-many-auth-failures");
            // the right key from the blocked address waits too, or the answer would tell a guesser which guess was right
            assertThat(askAgent(guesser, agent.port(), key).statusCode()).isEqualTo(429);

            // another address is untouched: its right key is checked (404: that operation does not exist)
            assertThat(askAgent(manager, agent.port(), key).statusCode()).isEqualTo(404);
            assertThat(agent.authLimit().blockedAddresses()).isEqualTo(1);
            assertThat(agent.authLimit().failures()).as("the blocked guesses were not even checked").isEqualTo(3);
        }
    }

    @Test
    void aRequestWithoutAKeyIsRefusedButNotCountedAsAGuess() throws Exception {
        NodeAgentServer agent = fixture.agent(ApiKey.generate(), s -> s.withSecurity(s.security().withAuthLimit(FailedAuthLimit.Settings.DEFAULTS.withLimit(1))));
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port()
                        + "/api/v1/operations/none")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(401);
            }
        }
        assertThat(agent.authLimit().failures()).isZero();
    }

    @Test
    void aManagerItsAgentBlockedAfterWrongKeysAnswers503NamingTheKeySettingAndTheBlock() throws Exception {
        NodeAgentServer agent = fixture.agent(ApiKey.generate(), s -> s.withSecurity(s.security().withAuthLimit(FailedAuthLimit.Settings.DEFAULTS.withLimit(2))));
        TestNode api = fixture.manager("http://127.0.0.1:" + agent.port(), ApiKey.generate(), null);
        String id = api.create(TestAgent.onThisNode("blocked-manager"));

        for (int i = 0; i < 2; i++) {
            TestNode.Res r = api.get("/api/v1/servers/" + id + "/files?path=/");
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.json().get("detail").asText()).contains("refuses this daemon's agent key");
        }
        TestNode.Res blocked = api.get("/api/v1/servers/" + id + "/files?path=/");
        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(503);
        assertThat(blocked.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(blocked.json().get("detail").asText()).contains("blocks this daemon's address").contains("RAPTOR_AGENT_KEY");
    }

    // ------------------------------------------------------------------ activity of operations that end later

    private static List<JsonNode> activity(TestNode api, String id, String type) {
        JsonNode entries = api.get("/api/v1/servers/" + id + "/activity?limit=100").json().get("entries");
        return StreamSupport.stream(entries.spliterator(), false).filter(e -> type.equals(e.get("type").asText())).toList();
    }

    @Test
    void theActivityEntryOfAnOperationThatEndsAfterIts202LandsInTheManagersLogOnceWithoutAnyoneAskingForIt() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key, UnaryOperator.identity());
        TestNode api = fixture.manager("http://127.0.0.1:" + agent.port(), key, null);
        String id = api.create(TestAgent.onThisNode("late-activity"));
        String files = "/api/v1/servers/" + id + "/files";
        assertThat(api.sendBytes("PUT", files + "/content?path=/world/level.dat", "x".repeat(10_000).getBytes(StandardCharsets.UTF_8),
                "application/octet-stream").status()).isEqualTo(201);

        TestNode.Res started = api.post(files + "/compress", "{\"paths\": [\"/world\"], \"destination\": \"/world.tar.gz\", \"wait\": false}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String opId = started.json().get("id").asText();

        // nobody asks for the operation: the manager follows it to its end on the agent and records its entry
        await().atMost(TestNode.HANG).until(() -> !activity(api, id, "files.compress").isEmpty());
        JsonNode entry = activity(api, id, "files.compress").getFirst();
        assertThat(entry.get("details").get("node").asText()).isEqualTo(LocalMachine.hostname());
        assertThat(entry.get("details").get("path").asText()).isEqualTo("/world.tar.gz");
        assertThat(agentFile(id, "world.tar.gz")).exists();

        // asking for it afterwards through the manager does not record it twice
        TestNode.Res op = api.get("/api/v1/operations/" + opId);
        assertThat(op.json().get("status").asText()).isEqualTo("done");
        assertThat(activity(api, id, "files.compress")).hasSize(1);
    }

    @Test
    void theActivityEntryOfAnOperationThatEndsWithinItsWaitComesBackWithTheAnswer() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key, UnaryOperator.identity());
        TestNode api = fixture.manager("http://127.0.0.1:" + agent.port(), key, null);
        String id = api.create(TestAgent.onThisNode("waited-activity"));
        String files = "/api/v1/servers/" + id + "/files";
        assertThat(api.sendBytes("PUT", files + "/content?path=/old.log", "old".getBytes(StandardCharsets.UTF_8),
                "application/octet-stream").status()).isEqualTo(201);

        TestNode.Res deleted = api.post(files + "/delete", "{\"paths\": [\"/old.log\"], \"timeout\": 60}");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("status").asText()).isEqualTo("done");
        // in the log as soon as the answer is: it came back in the answer's header, not later
        List<JsonNode> entries = activity(api, id, "files.delete");
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().get("details").get("node").asText()).isEqualTo(LocalMachine.hostname());
    }
}

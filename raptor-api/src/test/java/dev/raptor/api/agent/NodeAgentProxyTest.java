package dev.raptor.api.agent;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.node.LocalMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager's side of the node agents, on one machine: a daemon on the in-memory engine whose one node has an agent
 * ({@link NodeAgentServer}, in this JVM, on its own volumes directory): the files of a server placed there are the
 * agent's, the answers the same as the daemon's own, and an agent that refuses the key or is gone answers 503
 * {@code node-unavailable} (checked against openapi.json like every answer of {@link TestNode}). On a real swarm, with the
 * agent in a worker's network namespace: raptor-daemon's SwarmFilesAgentTest.
 */
class NodeAgentProxyTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TestAgent fixture = new TestAgent(() -> tmp);

    @Test
    void theFilesOfAServerOnANodeWithAnAgentAreTheAgentsAndAnsweredAsTheDaemonsOwn() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        String id = api.create(TestAgent.onThisNode("remote-files"));

        TestNode.Res written = api.sendBytes("PUT", "/api/v1/servers/" + id + "/files/content?path=/notes/a.txt",
                "hello agent".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(written.status()).as(written.toString()).isEqualTo(201);
        assertThat(fixture.agentVolumes().resolve(id).resolve("notes").resolve("a.txt")).hasContent("hello agent");
        assertThat(fixture.managerDir().resolve("volumes").resolve(id).resolve("notes")).doesNotExist();

        TestNode.Res listed = api.get("/api/v1/servers/" + id + "/files?path=/notes");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().get("entries").get(0).get("name").asText()).isEqualTo("a.txt");
        TestNode.Res read = api.get("/api/v1/servers/" + id + "/files/content?path=/notes/a.txt");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("hello agent");

        // a refusal of the agent's jail is the problem the daemon's own jail gives, passed through as it is
        TestNode.Res missing = api.get("/api/v1/servers/" + id + "/files/content?path=/notes/none.txt");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.isProblem()).isTrue();
        assertThat(missing.json().get("type").asText()).endsWith("not-found");
        assertThat(missing.json().get("path").asText()).isEqualTo("/notes/none.txt");

        // the caller's credential is checked here, before anything reaches the agent
        TestNode.Res anonymous = api.send("GET", "/api/v1/servers/" + id + "/files?path=/", null);
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void anAgentThatRefusesThisDaemonsKeyAnswers503NamingTheSettingNot401() throws Exception {
        NodeAgentServer agent = fixture.agent(ApiKey.generate());
        TestNode api = fixture.manager(agent.port(), ApiKey.generate());
        String id = api.create(TestAgent.onThisNode("wrong-key"));

        TestNode.Res r = api.get("/api/v1/servers/" + id + "/files?path=/");
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(r.json().get("detail").asText()).contains("RAPTOR_AGENT_KEY");
        assertThat(r.json().get("serverId").asText()).isEqualTo(id);
    }

    @Test
    void anAgentThatIsGoneAnswers503NodeUnavailableOnEveryFileRouteAndNothingIsWrittenHere() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        int port = agent.port();
        TestNode api = fixture.manager(port, key);
        String id = api.create(TestAgent.onThisNode("agent-gone"));
        String files = "/api/v1/servers/" + id + "/files";
        assertThat(api.sendBytes("PUT", files + "/content?path=/a.txt", "here".getBytes(StandardCharsets.UTF_8),
                "application/octet-stream").status()).isEqualTo(201);
        String upload = api.post(files + "/upload-url", "{\"path\": \"/\"}").json().get("url").asText();
        String download = api.post(files + "/download-url", "{\"path\": \"/a.txt\"}").json().get("url").asText();
        agent.close();

        List<TestNode.Res> answers = new ArrayList<>();
        answers.add(api.sendBytes("PUT", files + "/content?path=/b.txt", "lost".getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
        answers.add(api.get(files + "?path=/"));
        answers.add(api.get(files + "/content?path=/a.txt"));
        answers.add(api.get(files + "/search?q=a"));
        answers.add(api.post(files + "/directory", "{\"path\": \"/d\"}"));
        answers.add(api.post(files + "/rename", "{\"moves\": [{\"from\": \"/a.txt\", \"to\": \"/c.txt\"}]}"));
        answers.add(api.post(files + "/copy", "{\"path\": \"/a.txt\"}"));
        answers.add(api.post(files + "/delete", "{\"paths\": [\"/a.txt\"]}"));
        answers.add(api.post(files + "/chmod", "{\"changes\": [{\"path\": \"/a.txt\", \"mode\": \"644\"}]}"));
        answers.add(api.post(files + "/compress", "{\"paths\": [\"/a.txt\"]}"));
        answers.add(api.post(files + "/decompress", "{\"path\": \"/a.zip\"}"));
        answers.add(api.post(files + "/pull", "{\"url\": \"https://example.com/a.jar\"}"));
        answers.add(api.post(files + "/upload-url", "{\"path\": \"/\"}"));
        answers.add(api.post(files + "/download-url", "{\"path\": \"/a.txt\"}"));
        answers.add(api.send("POST", upload, "--x--\r\n", "Content-Type", "multipart/form-data; boundary=x"));
        answers.add(api.send("GET", download, null));
        for (TestNode.Res r : answers) {
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.json().get("type").asText()).endsWith("node-unavailable");
            assertThat(r.json().get("detail").asText()).contains(LocalMachine.hostname()).contains("http://127.0.0.1:" + port);
        }
        assertThat(fixture.managerDir().resolve("volumes").resolve(id)).as("nothing falls back to this machine's disk").doesNotExist();
    }
}

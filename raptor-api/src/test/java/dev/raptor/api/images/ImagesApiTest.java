package dev.raptor.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.TestRegistry;
import dev.raptor.docker.RegistryCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Images over the API on the real engine: a pull from a private registry this class starts (Debian's
 * {@code docker-registry}, with the login the node is configured with) is an operation that shows every layer's progress
 * and answers the image; an image a server uses is not removed (409); a commit of a running server makes an image a
 * second server starts from, with the first one's files. Every image this class makes has a name of this node's and is
 * removed at the end; nothing else is.
 */
class ImagesApiTest {
    @TempDir
    static Path dir;
    static TestRegistry registry;
    static TestNode node;
    static DockerClient docker;
    static final List<String> made = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(dir);
        node = TestNode.startWithRegistries(dir.resolve("node"),
                Map.of(registry.host(), new RegistryCredential(TestRegistry.USER, TestRegistry.PASSWORD)));
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(TestEngine.dockerHost()).withApiVersion("1.41").build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() throws InterruptedException, IOException {
        node.close(); // its servers go first, so that nothing uses the images below
        for (String image : made) {
            try {
                docker.removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException gone) {
                // the test removed it
            }
        }
        docker.close();
        registry.close();
    }

    private String image(String what) {
        return node.node + "/" + what;
    }

    private JsonNode awaitFinished(JsonNode operation) {
        String href = operation.get("href").asText();
        JsonNode[] last = {operation};
        await().atMost(TestNode.HANG).until(() -> {
            last[0] = node.get(href).json();
            return !last[0].get("status").asText().equals("pending");
        });
        return last[0];
    }

    private JsonNode exec(String id, String... command) {
        StringBuilder json = new StringBuilder("{\"command\": [");
        for (int i = 0; i < command.length; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(command[i].replace("\"", "\\\"")).append('"');
        }
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/exec", json.append("]}").toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private String started(String json) {
        String id = node.create(json);
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(r.json().get("state").asText()).as(r.toString()).isEqualTo("running");
        return id;
    }

    /** The test image with a layer of its own, pushed into the registry under {@code reference} and then removed here. */
    private void pushed(String reference) throws InterruptedException {
        String maker = docker.createContainerCmd(TestEngine.IMAGE)
                .withEntrypoint("/bin/sh", "-c", "echo " + reference + " > /layer-of-its-own").exec().getId();
        docker.startContainerCmd(maker).exec();
        docker.waitContainerCmd(maker).start().awaitStatusCode(1, TimeUnit.MINUTES);
        String repository = reference.substring(0, reference.lastIndexOf(':'));
        docker.commitCmd(maker).withRepository(repository).withTag("1").exec();
        docker.removeContainerCmd(maker).exec();
        made.add(reference);
        docker.pushImageCmd(repository).withTag("1")
                .withAuthConfig(new AuthConfig().withUsername(TestRegistry.USER).withPassword(TestRegistry.PASSWORD)
                        .withRegistryAddress(registry.host()))
                .exec(new ResultCallback.Adapter<PushResponseItem>()).awaitCompletion(2, TimeUnit.MINUTES);
        docker.removeImageCmd(reference).exec();
    }

    @Test
    void aPullFromARegistryIsAnOperationThatShowsEveryLayerAndAnswersTheImage() throws Exception {
        String reference = registry.host() + "/" + image("pulled") + ":1";
        pushed(reference);

        TestNode.Res asked = node.post("/api/v1/images/pull", "{\"image\": \"" + reference + "\", \"wait\": false}");
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        assertThat(asked.header("Location")).startsWith("/api/v1/operations/");
        assertThat(asked.json().get("action").asText()).isEqualTo("pull");
        assertThat(asked.json().has("serverId")).as("a pull is the node's").isFalse();

        JsonNode done = awaitFinished(asked.json());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("done");
        assertThat(done.get("image").get("tags").toString()).contains(reference);
        assertThat(done.get("progress").get("status").asText()).startsWith("Status: Downloaded newer image");
        // the same progress every long operation shows (a backup's too): layers done of those named
        assertThat(done.get("progress").get("stage").asText()).isEqualTo("pulling");
        assertThat(done.get("progress").get("filesTotal").asLong()).isPositive().isEqualTo(done.get("progress").get("layers").size());
        assertThat(done.get("progress").get("filesDone").asLong()).isEqualTo(done.get("progress").get("filesTotal").asLong());
        assertThat(done.get("progress").get("layers")).anySatisfy(layer -> {
            assertThat(layer.get("layer").asText()).isNotBlank();
            assertThat(layer.get("status").asText()).isEqualTo("Pull complete");
        });
        assertThat(node.get("/api/v1/images").json().get("images").toString()).contains(reference);
    }

    @Test
    void aPullOfWhatTheRegistryDoesNotHaveFailsWithTheReason() {
        String reference = registry.host() + "/" + image("never-pushed") + ":1";
        TestNode.Res r = node.post("/api/v1/images/pull", "{\"image\": \"" + reference + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("failed");
        assertThat(r.json().get("reason").asText()).contains(reference);
    }

    @Test
    void aPullOfNoImageReferenceIsRefusedNamingTheField() {
        TestNode.Res r = node.post("/api/v1/images/pull", "{\"image\": \"Not An Image!\", \"force\": true}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("image", "force");
    }

    @Test
    void anImageAServerUsesIsNotRemovedAndAnUnusedOneIs() {
        String used = image("in-use") + ":1";
        String unused = image("unused") + ":1";
        docker.tagImageCmd(TestEngine.IMAGE, image("in-use"), "1").exec();
        docker.tagImageCmd(TestEngine.IMAGE, image("unused"), "1").exec();
        made.addAll(List.of(used, unused));
        String id = node.create(TestNode.gameServer("uses-" + node.node, 0).replace(TestEngine.IMAGE, used));

        TestNode.Res refused = node.call("DELETE", "/api/v1/images/" + used.replace("/", "%2F"), null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).endsWith("image-in-use");
        assertThat(refused.json().get("detail").asText()).contains(id);

        assertThat(node.call("DELETE", "/api/v1/images/" + unused.replace("/", "%2F"), null).status()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/images/" + unused.replace("/", "%2F"), null).status()).isEqualTo(404);
        TestNode.Res bad = node.call("DELETE", "/api/v1/images/Not%20An%20Image!", null);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
    }

    @Test
    void aPruneRemovesOnlyUnusedImagesCarryingItsLabels() {
        String spare = image("spare") + ":1";
        String kept = image("kept") + ":1";
        docker.tagImageCmd(TestEngine.IMAGE, image("spare"), "1").exec();
        made.addAll(List.of(spare, kept));
        // an image of its own (not a tag of the test image, which other tests' servers use), with this node's label
        String maker = docker.createContainerCmd(TestEngine.IMAGE).withEntrypoint("/bin/true").exec().getId();
        docker.commitCmd(maker).withRepository(image("kept")).withTag("1").withLabels(Map.of("raptor-test.node", node.node)).exec();
        docker.removeContainerCmd(maker).exec();
        String spareId = docker.inspectImageCmd(spare).exec().getId();

        TestNode.Res pruned = node.post("/api/v1/images/prune", "{\"labels\": {\"raptor-test.node\": \"" + node.node + "\"}}");
        assertThat(pruned.status()).as(pruned.toString()).isEqualTo(200);
        assertThat(pruned.json().get("removed").toString()).contains(kept).doesNotContain(spare);
        assertThat(docker.inspectImageCmd(spare).exec().getId()).as("without the label it stays").isEqualTo(spareId);
    }

    @Test
    void aCommittedRunningServerMakesAnImageWhoseServersHaveItsFiles() {
        String first = started(TestNode.gameServer("first-" + node.node, 0));
        exec(first, "sh", "-c", "mkdir -p /home/container/world && echo the-first-world > /home/container/world/level.dat");

        String repository = image("committed");
        made.add(repository + ":before-update");
        TestNode.Res committed = node.post("/api/v1/servers/" + first + "/commit",
                "{\"repository\": \"" + repository + "\", \"tag\": \"before-update\", \"message\": \"as it was\"}");
        assertThat(committed.status()).as(committed.toString()).isEqualTo(200);
        assertThat(committed.json().get("status").asText()).as(committed.toString()).isEqualTo("done");
        assertThat(committed.json().get("serverId").asText()).isEqualTo(first);
        assertThat(committed.json().get("image").get("tags").toString()).contains(repository + ":before-update");
        assertThat(node.get("/api/v1/servers/" + first).json().get("state").asText()).as("it ran on").isEqualTo("running");

        TestNode.Res later = node.post("/api/v1/servers/" + first + "/commit",
                "{\"repository\": \"" + repository + "\", \"tag\": \"later\", \"wait\": false}");
        made.add(repository + ":later");
        assertThat(later.status()).as(later.toString()).isEqualTo(202);
        assertThat(awaitFinished(later.json()).get("status").asText()).isEqualTo("done");

        String second = started(TestNode.gameServer("second-" + node.node, 0).replace(TestEngine.IMAGE, repository + ":before-update"));
        assertThat(exec(second, "cat", "/home/container/world/level.dat").get("stdout").asText()).isEqualTo("the-first-world\n");
    }

    @Test
    void aCommitOfAServerWithoutAContainerIsAConflictAndABadOneNamesItsFields() {
        String id = node.create(TestNode.gameServer("never-" + node.node, 0));
        TestNode.Res missing = node.post("/api/v1/servers/00000000-0000-4000-8000-000000000000/commit",
                "{\"repository\": \"" + image("nothing") + "\"}");
        assertThat(missing.status()).as(missing.toString()).isEqualTo(404);
        TestNode.Res none = node.post("/api/v1/servers/" + id + "/commit", "{\"repository\": \"" + image("nothing") + "\"}");
        assertThat(none.status()).as(none.toString()).isEqualTo(409);
        TestNode.Res bad = node.post("/api/v1/servers/" + id + "/commit", "{\"repository\": \"Bad:Name\", \"tag\": \"no tag!\"}");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().get("errors").findValuesAsText("field")).contains("repository", "tag");
    }
}

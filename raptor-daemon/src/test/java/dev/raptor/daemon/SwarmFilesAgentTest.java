package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.testing.TestCertificates;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.client.FilesClient;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.client.TrustedCertificates;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.files.CompressRequest;
import dev.raptor.wire.files.FileEntryDocument;
import dev.raptor.wire.files.SignedUrlDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.problem.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.raptor.daemon.TestSwarmDaemon.AGENT_HTTP;
import static dev.raptor.daemon.TestSwarmDaemon.exec;
import static dev.raptor.daemon.TestSwarmDaemon.managerEnv;
import static dev.raptor.daemon.TestSwarmDaemon.onNode;
import static dev.raptor.daemon.TestSwarmDaemon.port;
import static dev.raptor.daemon.TestSwarmDaemon.startAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The file API of a server on a worker, through that worker's {@code raptord agent}: on the real two-node test swarm
 * (scripts/swarm.sh), the agent runs in node 2's own network namespace (as on a second machine: the manager reaches it
 * only at node 2's address) on node 2's volumes directory, and the manager's raptord forwards the file routes of the
 * servers placed on node 2 there, over HTTPS (the agent's certificate, for node 2's address, from a CA openssl makes
 * here; the manager trusts that CA only). What the game server writes the API reads, and the other way round; the
 * jail is the same; an agent that is gone answers 503 {@code node-unavailable} at once.
 */
class SwarmFilesAgentTest {
    /** The manager's upload limit, which holds for the files its agents write too. */
    private static final int UPLOAD_MAX = 1 << 20;

    @TempDir
    Path tmp;

    /** The CA of the agent's certificate, which the manager (and this test, asking the agent directly) trusts. */
    private Path caFile;

    /** This test's Raptor node label: its daemon's services carry it, and they go after the test, passed or failed. */
    private final String node = "swarmagent-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeServices() {
        TestSwarm.removeServices(node);
    }

    @Test
    void theFilesOfAServerOnAWorkerAreServedByThatWorkersAgentThroughTheManagersApi() throws Exception {
        TestSwarm.require();
        String agentKey = ApiKey.generate();
        Path nodeTwoVolumes = tmp.resolve("node-2-volumes");
        String nodeTwo = TestSwarm.addressOf(TestSwarm.NODE_2);
        // port 0: the agent binds a free one in node 2's namespace and says which (servers of other tests publish there too)
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("agents-ca"), "agents-ca");
        caFile = ca.certificate();
        TestCertificates.Server certificate = ca.server("agent-2", "ec", "IP:" + nodeTwo);
        DaemonProcess agent = startAgent(tmp, nodeTwoVolumes, agentKey, Map.of("RAPTOR_AGENT_TLS_CERT", certificate.certificate().toString(),
                "RAPTOR_AGENT_TLS_KEY", certificate.key().toString()), TrustedCertificates.sslContext(caFile));
        URI agentUri = URI.create("https://" + nodeTwo + ":" + port(agent, AGENT_HTTP));

        Map<String, String> env = managerEnv(tmp, node, nodeTwoVolumes);
        env.put("RAPTOR_SWARM_AGENTS", TestSwarm.NODE_2 + "=" + agentUri);
        env.put("RAPTOR_AGENT_KEY", agentKey);
        env.put("RAPTOR_SWARM_AGENT_CA", ca.certificate().toString());
        env.put("RAPTOR_UPLOAD_MAX_FILE_BYTES", Integer.toString(UPLOAD_MAX));
        int port = TestSwarm.freePort();

        try (agent; DaemonProcess d = TestDaemon.launch(tmp, "manager", env, List.of())) {
            TestDaemon.awaitHealthy(d);
            RaptorClient api = d.client();

            UUID id = api.servers().create(onNode("files-on-2", port, TestSwarm.NODE_2)).spec().id();
            OperationDocument started = api.server(id).power("start", Duration.ofSeconds(90));
            assertThat(started.status()).as(started.toString()).isEqualTo("done");
            FilesClient files = api.server(id).files();

            // written through the manager's API: on node 2's volume, and the game server in its container sees it
            byte[] world = "the world of files-on-2\n".getBytes(StandardCharsets.UTF_8);
            assertThat(files.mkdir("/world").created()).isTrue();
            files.write("/world/level.dat", new ByteArrayInputStream(world), world.length, n -> { });
            assertThat(nodeTwoVolumes.resolve(id.toString()).resolve("world").resolve("level.dat")).hasBinaryContent(world);
            assertThat(tmp.resolve("data").resolve("volumes").resolve(id.toString()).resolve("world"))
                    .as("nothing of it on the manager's own disk").doesNotExist();
            // its activity entries come back from the agent into the server's activity log here, naming the caller
            assertThat(api.server(id).activity(50).entries()).filteredOn(e -> e.type().equals("files.write")).singleElement()
                    .satisfies(e -> {
                        assertThat(e.message()).isEqualTo("wrote /world/level.dat (" + world.length + " bytes) (by node API key)");
                        assertThat(e.details()).containsEntry("by", "node API key").containsEntry("path", "/world/level.dat")
                                .containsEntry("node", TestSwarm.NODE_2);
                    });
            assertThat(api.server(id).activity(50).entries()).extracting(ActivityEntryDocument::type).contains("files.mkdir");
            ExecResultDocument seen = api.server(id).exec(exec("cat", "/home/container/world/level.dat"));
            assertThat(seen.exitCode()).as(seen.toString()).isZero();
            assertThat(seen.stdout()).isEqualTo("the world of files-on-2\n");

            // what the game server writes, the API lists and reads (a ranged read too: headers pass through)
            ExecResultDocument wrote = api.server(id).exec(exec("sh", "-c", "echo made by the game > /home/container/world/game.txt"));
            assertThat(wrote.exitCode()).as(wrote.toString()).isZero();
            assertThat(files.list("/world").entries()).extracting(FileEntryDocument::name).containsExactlyInAnyOrder("level.dat", "game.txt");
            try (FilesClient.Download dl = files.read("/world/game.txt")) {
                assertThat(new String(dl.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("made by the game\n");
            }
            HttpResponse<String> ranged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(d.baseUrl() + "/servers/" + id + "/files/content?path=/world/game.txt"))
                    .header("Authorization", "Bearer " + d.apiKey()).header("Range", "bytes=8-10").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ranged.statusCode()).as(ranged.headers() + " " + ranged.body()).isEqualTo(206);
            assertThat(ranged.body()).isEqualTo("the");
            assertThat(ranged.headers().firstValue("Content-Range")).hasValue("bytes 8-10/17");

            // signed links: signed and redeemed by the manager (the address browsers reach), the files on node 2
            String origin = d.baseUrl().substring(0, d.baseUrl().indexOf("/api/v1"));
            try (HttpClient browser = HttpClient.newHttpClient()) {
                SignedUrlDocument up = files.uploadUrl("/uploads");
                String boundary = "raptor-" + UUID.randomUUID();
                String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"plugin.jar\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\nthe plugin\r\n--" + boundary + "--\r\n";
                HttpResponse<String> uploaded = browser.send(HttpRequest.newBuilder(URI.create(origin + up.url()))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
                assertThat(nodeTwoVolumes.resolve(id.toString()).resolve("uploads").resolve("plugin.jar")).hasContent("the plugin");
                assertThat(api.server(id).activity(50).entries()).filteredOn(e -> e.type().equals("files.upload")).singleElement()
                        .satisfies(e -> assertThat(e.details()).containsEntry("by", "signed link " + linkId(up.url())));

                SignedUrlDocument down = files.downloadUrl("/world/level.dat");
                HttpResponse<byte[]> downloaded = browser.send(HttpRequest.newBuilder(URI.create(origin + down.url())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(downloaded.statusCode()).isEqualTo(200);
                assertThat(downloaded.body()).isEqualTo(world);
                assertThat(downloaded.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("level.dat"));
                HttpResponse<String> again = browser.send(HttpRequest.newBuilder(URI.create(origin + down.url())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(again.statusCode()).as("a link works once").isEqualTo(403);
                // a link's path is checked on the node before it is signed: a file is no directory to upload into
                RaptorProblemException notADir = catchThrowableOfType(RaptorProblemException.class, () -> files.uploadUrl("/world/level.dat"));
                assertThat(notADir.status()).isEqualTo(400);
                assertThat(notADir.problem().type()).endsWith("not-a-directory");
            }

            // a file operation answered 202 runs on the agent; its id works through the manager (polled to its end)
            OperationDocument compressing = files.compress(new CompressRequest(List.of("/world"), "/world.tar.gz", "tar.gz", false, null));
            assertThat(compressing.action()).isEqualTo("compress");
            assertThat(compressing.serverId()).isEqualTo(id);
            OperationDocument compressed = api.operations().await(compressing, Duration.ofSeconds(60));
            assertThat(compressed.status()).as(compressed.toString()).isEqualTo("done");
            // it ended on the agent after its 202: its activity entry still lands here, once
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.server(id).activity(100).entries())
                    .filteredOn(e -> e.type().equals("files.compress")).singleElement()
                    .satisfies(e -> assertThat(e.details()).containsEntry("node", TestSwarm.NODE_2).containsEntry("path", "/world.tar.gz")));
            assertThat(nodeTwoVolumes.resolve(id.toString()).resolve("world.tar.gz")).isNotEmptyFile();

            // the manager's upload limit: declared or chunked, refused 413 and nothing of it on node 2
            for (long declared : new long[] {UPLOAD_MAX + 1, -1}) {
                RaptorProblemException big = catchThrowableOfType(RaptorProblemException.class, () -> files.write("/big.bin",
                        new ByteArrayInputStream(new byte[UPLOAD_MAX + 1]), declared, null));
                assertThat(big.status()).as("declared %d", declared).isEqualTo(413);
                assertThat(big.problem().type()).endsWith("file-too-large");
                assertThat(nodeTwoVolumes.resolve(id.toString()).resolve("big.bin")).doesNotExist();
            }

            // the jail refuses a link out of the root with the same problem as for a server whose files are here
            UUID local = api.servers().create(onNode("files-on-1", port + 1, TestSwarm.NODE_1)).spec().id();
            api.server(local).files().mkdir("/x"); // makes its volume on the manager's disk
            Files.createSymbolicLink(nodeTwoVolumes.resolve(id.toString()).resolve("escape"), Path.of("/etc"));
            Files.createSymbolicLink(tmp.resolve("data").resolve("volumes").resolve(local.toString()).resolve("escape"), Path.of("/etc"));
            Problem remote = catchThrowableOfType(RaptorProblemException.class, () -> files.read("/escape/hostname").close()).problem();
            Problem here = catchThrowableOfType(RaptorProblemException.class, () -> api.server(local).files().read("/escape/hostname").close())
                    .problem();
            assertThat(remote.status()).isEqualTo(403);
            assertThat(remote.type()).isEqualTo(here.type());
            assertThat(remote.title()).isEqualTo(here.title());
            assertThat(remote.detail()).isEqualTo(here.detail());
            assertThat(remote.path()).isEqualTo(here.path()).isEqualTo("/escape/hostname");

            // the agent answers its manager only
            HttpResponse<String> direct = HttpClient.newBuilder().sslContext(TrustedCertificates.sslContext(caFile)).build().send(HttpRequest.newBuilder(
                    agentUri.resolve("/api/v1/servers/" + id + "/files?path=/")).header("Authorization", "Bearer " + d.apiKey()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(direct.statusCode()).isEqualTo(401);
            assertThat(direct.body()).contains("unauthorized").doesNotContain("level.dat");

            // the agent gone: 503 node-unavailable naming the node, not a hang or a 500; the server on node 1 is unaffected
            assertThat(agent.terminate(Duration.ofSeconds(60))).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);
            RaptorProblemException gone = catchThrowableOfType(RaptorProblemException.class, () -> files.list("/world"));
            assertThat(gone.status()).isEqualTo(503);
            assertThat(gone.problem().type()).endsWith("node-unavailable");
            assertThat(gone.problem().detail()).contains(TestSwarm.NODE_2).contains(agentUri.toString());
            assertThat(api.server(local).files().list("/").entries()).extracting(FileEntryDocument::name).contains("x");

            assertThat(api.server(id).power("stop", Duration.ofSeconds(90)).status()).isEqualTo("done");
            assertThat(api.server(id).delete(true).status()).isEqualTo("done");
            assertThat(api.server(local).delete(true).status()).isEqualTo("done");
        }
    }

    /** The one-time id of a signed link, as the activity log names it ("signed link <id>"). */
    private static String linkId(String url) throws Exception {
        String token = java.net.URLDecoder.decode(url.substring(url.indexOf("token=") + "token=".length()), StandardCharsets.UTF_8);
        String payload = token.substring(0, token.indexOf('.'));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(payload)).path("i").asText();
    }

}

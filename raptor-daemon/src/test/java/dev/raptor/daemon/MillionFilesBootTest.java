package dev.raptor.daemon;

import dev.raptor.files.testing.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.files.usage.TreeSize;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server whose volume holds a million small files: raptord boots, serves the API and starts that server while the
 * disk-usage scan of those files is still running (the test holds the scan a thousand files in, so "still running"
 * is a fact, not a race); the stats say the figure is unknown and being measured, then give it once the scan ends.
 */
class MillionFilesBootTest {
    private static final int DIRS = 1000;
    private static final int PER_DIR = 1000;

    @TempDir
    Path tmp;
    Path base;
    Daemon daemon;
    final String node = "million-" + UUID.randomUUID().toString().substring(0, 8);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch held = new CountDownLatch(1);

    @AfterEach
    void cleanUp() throws IOException {
        release.countDown();
        if (daemon != null) {
            daemon.close();
        }
        try (DockerRuntime engine = DockerRuntime.connect(DockerRuntimeConfig.of(TestDaemon.dockerHost()).withNode(node))) {
            for (ContainerInfo c : engine.listOwned(Deadline.in(Duration.ofSeconds(60)))) {
                try {
                    engine.remove(c.ref(), Deadline.in(Duration.ofSeconds(60)));
                } catch (EngineException e) {
                    // gone already
                }
            }
        }
        if (base != null && !base.startsWith(tmp)) {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private DaemonConfig config(Path data) {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", data.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + dev.raptor.daemon.launch.DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", "k".repeat(40));
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        return new ConfigLoader(env, tmp, true, tmp.resolve("no-config.yml")).load(null);
    }

    private HttpResponse<String> call(DaemonConfig c, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.api().port() + path))
                .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + c.apiKey());
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMillionFilesDelayNeitherBootNorAStartAndTheApiAnswersWhileTheyAreMeasured() throws Exception {
        // On tmpfs when there is one: the point is a scan that takes long, not a test that does.
        base = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "raptor-million-") : tmp;
        Path data = base.resolve("data");
        DaemonConfig c = config(data);
        daemon = Daemon.start(c, "test");
        HttpResponse<String> created = call(c, "POST", "/api/v1/servers", """
                {"name": "huge", "image": "raptor-test/gameserver:1", "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20},
                 "readyPattern": "Done!", "limits": {"diskMiB": 100000}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = WireJson.parse(created.body()).get("id").asText();
        daemon.close();
        daemon = null;

        long expected = FileTrees.generate(data.resolve("volumes").resolve(id).resolve("world"), DIRS, PER_DIR);

        TreeSize.Observer holdAtAThousand = counted -> {
            if (counted == 1000) {
                held.countDown();
                release.await(5, TimeUnit.MINUTES);
            }
        };
        daemon = Daemon.start(c, "test", UsageSettings.defaults().withObserver(holdAtAThousand));
        // boot returned; the scan of the million files is held a thousand files in (or has not begun)
        assertThat(held.await(2, TimeUnit.MINUTES)).as("the disk-usage scan began in the background").isTrue();

        JsonNode disk = WireJson.parse(call(c, "GET", "/api/v1/servers/" + id + "/stats", null).body()).get("disk");
        assertThat(disk.get("usedBytes").isNull()).isTrue();
        assertThat(disk.get("scanning").asBoolean()).isTrue();
        assertThat(disk.get("limitBytes").asLong()).isEqualTo(100000L << 20);

        HttpResponse<String> start = call(c, "POST", "/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        assertThat(WireJson.parse(start.body()).get("state").asText()).isEqualTo("running");
        assertThat(call(c, "GET", "/api/v1/servers/" + id + "/files?path=/world/d0999", null).statusCode()).isEqualTo(200);
        assertThat(release.getCount()).as("all of it happened while the scan was held").isEqualTo(1);

        release.countDown();
        await().atMost(Duration.ofMinutes(5)).until(() -> {
            JsonNode d = WireJson.parse(call(c, "GET", "/api/v1/servers/" + id + "/stats", null).body()).get("disk");
            return !d.get("usedBytes").isNull() && d.get("usedBytes").asLong() == expected && !d.get("measuredAt").isNull();
        });
        assertThat(call(c, "POST", "/api/v1/servers/" + id + "/power", "{\"action\": \"kill\"}").statusCode()).isEqualTo(200);
    }
}

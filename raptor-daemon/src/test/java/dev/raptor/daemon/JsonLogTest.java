package dev.raptor.daemon;

import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code RAPTOR_LOG_FORMAT=json} (or {@code logFormat: json}): every line raptord writes, on standard
 * error (the log) and standard output (the first boot's API key), is one JSON object, through a whole
 * create, start, stop, delete and shutdown; checked with Jackson and, line by line, with {@code jq}.
 */
class JsonLogTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    final String node = "jsonlog-" + UUID.randomUUID().toString().substring(0, 8);
    final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        TestDaemon.removeContainers(node);
    }

    private Map<String, String> env(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve(name).toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve(name + ".sock").toString());
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        return env;
    }

    @Test
    void everyLineOfAStartStopCycleIsOneJsonObject() throws Exception {
        Map<String, String> env = env("cycle");
        env.put("RAPTOR_LOG_FORMAT", "json");
        DaemonProcess d = TestDaemon.launch(tmp, "cycle", env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        String key = awaitKeyLine(d).path("kvpList").get(0).path("apiKey").asText();

        try (RaptorClient api = d.client(key)) {
            UUID id = api.servers().create(new ServerSpecDocument(null, "jsonlog", "raptor-test/gameserver:1", null, null, null, null,
                    new StopDocument("command", "stop", BigDecimal.valueOf(20), null, null), null, null, null, null, null, "Done!", null,
                    null, null)).spec().id();
            assertThat(api.server(id).start().state()).isEqualTo("running");
            assertThat(api.server(id).stop().state()).isEqualTo("offline");
            assertThat(api.server(id).delete(false).status()).isEqualTo("done");
        }
        assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);

        List<JsonNode> log = jsonLines(d.stderrFile());
        List<JsonNode> out = jsonLines(d.stdoutFile());
        assertThat(out).hasSize(1);
        assertThat(messages(log)).anyMatch(m -> m.startsWith("raptord") && m.endsWith("ready"))
                .anyMatch(m -> m.contains("stopped cleanly"));
        assertThat(log).allSatisfy(line -> {
            assertThat(line.path("timestamp").isNumber()).as("timestamp of %s", line).isTrue();
            assertThat(line.path("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(line.path("loggerName").asText()).isNotEmpty();
        });
        assertThat(log).as("the key-value facts the store logs with")
                .anySatisfy(line -> assertThat(line.path("kvpList").toString()).contains("\"schema\""));
        jqAcceptsEveryLine(d.stderrFile());
        jqAcceptsEveryLine(d.stdoutFile());
    }

    @Test
    void theConfigFilesLogFormatAppliesFromTheFirstLine() throws Exception {
        Map<String, String> env = env("file");
        env.put("RAPTOR_API_KEY", "rpt_" + UUID.randomUUID().toString().replace("-", ""));
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "logFormat: json\n");
        DaemonProcess d = TestDaemon.launch(tmp, "file", env, List.of("--config", config.toString()));
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);

        List<JsonNode> log = jsonLines(d.stderrFile());
        assertThat(messages(log)).anyMatch(m -> m.contains("starting")).anyMatch(m -> m.contains("stopped cleanly"));
        assertThat(d.stdout()).isEmpty();
    }

    private static JsonNode awaitKeyLine(DaemonProcess d) throws IOException {
        String stdout = d.stdout();
        if (stdout.isBlank()) {
            fail("a first boot prints the generated key on standard output:\n" + d.output());
        }
        return JSON.readTree(stdout.lines().findFirst().orElseThrow());
    }

    private static List<String> messages(List<JsonNode> lines) {
        return lines.stream().map(l -> l.path("formattedMessage").asText()).toList();
    }

    /** Every line parses as one JSON object; fails naming the first that does not. */
    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new AssertionError(file.getFileName() + " line " + (i + 1) + " is not JSON: " + lines.get(i), e);
            }
            assertThat(n.isObject()).as("%s line %d is an object: %s", file.getFileName(), i + 1, lines.get(i)).isTrue();
            out.add(n);
        }
        return out;
    }

    /** {@code jq} (scripts/test-tools.sh installs it) reads the file as a stream of objects, one per line. */
    private static void jqAcceptsEveryLine(Path file) throws Exception {
        Process jq = new ProcessBuilder("jq", "-c", "select(type == \"object\") | 1").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String printed = new String(jq.getInputStream().readAllBytes());
        assertThat(jq.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jq.exitValue()).as("jq on %s: %s", file.getFileName(), printed).isZero();
        assertThat(printed.lines().count()).as("objects jq read in %s", file.getFileName()).isEqualTo(Files.readAllLines(file).size());
    }
}

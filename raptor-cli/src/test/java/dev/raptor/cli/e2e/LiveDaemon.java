package dev.raptor.cli.e2e;

import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.server.ServerDocument;
import org.awaitility.core.ConditionTimeoutException;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real raptord in a child process, as an operator runs it: its own data directory, Unix socket,
 * TCP port, API key and node name (so that its containers are its own), on the real Docker Engine
 * named by DOCKER_HOST. A missing engine fails the tests loudly; it never skips them.
 */
final class LiveDaemon implements AutoCloseable {
    static final String IMAGE = "raptor-test/gameserver:1";
    static final String DONE_LINE = "Done! For help, type \"help\"";

    private static final String HOW = "Start the test engine with `scripts/engine.sh start` and point the tests at it with "
            + "`eval \"$(scripts/engine.sh env)\"` (it sets DOCKER_HOST), or run scripts/test.sh.";

    final Path dir;
    final Path socket;
    final int port;
    final String apiKey;
    final String node;
    final String dockerHost;
    private final Path log;
    private final Process process;

    private LiveDaemon(Path dir, Path socket, int port, String apiKey, String node, String dockerHost, Path log, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.port = port;
        this.apiKey = apiKey;
        this.node = node;
        this.dockerHost = dockerHost;
        this.log = log;
        this.process = process;
    }

    static LiveDaemon start() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost == null || dockerHost.isBlank()) {
            fail("DOCKER_HOST is not set: raptorctl's end-to-end tests drive a real raptord on the real Docker Engine. " + HOW);
        }
        Path dir = Files.createTempDirectory("raptorctl-e2e");
        Path socket = dir.resolve("raptor.sock");
        Path log = dir.resolve("raptord.log");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String apiKey = "e2e-" + HexFormat.of().formatHex(randomBytes(24));
        String node = "clitest" + HexFormat.of().formatHex(randomBytes(4));
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-XX:+UseSerialGC", "-cp", testClassPath(), "dev.raptor.daemon.RaptordMain")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("RAPTOR_") || k.equals("DAEMON_DATA_DIR"));
        env.put("RAPTOR_DATA_DIR", dir.resolve("data").toString());
        env.put("RAPTOR_SOCKET", socket.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + port);
        env.putIfAbsent("RAPTOR_SFTP_ADDR", "127.0.0.1:0"); // never the shared default port 2022
        env.put("RAPTOR_API_KEY", apiKey);
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", dockerHost.strip());
        Process process = pb.start();
        LiveDaemon daemon = new LiveDaemon(dir, socket, port, apiKey, node, dockerHost.strip(), log, process);
        daemon.awaitReady(Duration.ofSeconds(90));
        return daemon;
    }

    private void awaitReady(Duration timeout) throws IOException {
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        try {
            await("raptord healthy").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> healthy(last));
        } catch (ConditionTimeoutException e) {
            close();
            fail("raptord did not become healthy within " + timeout.toSeconds() + "s (last: " + last.get() + "):\n" + logTail());
        }
    }

    /** True once the daemon answers its health check; fails at once if it exited, else keeps why not in {@code last}. */
    private boolean healthy(AtomicReference<RuntimeException> last) {
        if (!process.isAlive()) {
            fail("raptord exited with " + process.exitValue() + " during boot (" + HOW + "):\n" + logTail());
        }
        if (!Files.exists(socket)) {
            return false;
        }
        try (RaptorClient client = RaptorClient.builder().unixSocket(socket).requestTimeout(Duration.ofSeconds(10)).build()) {
            var health = client.health();
            if (health.status().equals("ok")) {
                return true;
            }
            last.set(new IllegalStateException("health answered " + health));
        } catch (RaptorException e) {
            last.set(e);
        }
        return false;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Deletes every server (killing it), stops the daemon with SIGTERM, and removes whatever containers of its node remain. */
    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                try (RaptorClient client = RaptorClient.overUnixSocket(socket)) {
                    for (ServerDocument s : client.servers().list().servers()) {
                        client.server(s.spec().id()).delete(true, Duration.ofSeconds(60));
                    }
                } catch (RaptorException e) {
                    // the daemon is gone; the engine sweep below still runs
                }
            }
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            sweepEngine();
            deleteTree(dir);
        }
    }

    private void sweepEngine() {
        try {
            Process ps = new ProcessBuilder("docker", "-H", dockerHost, "ps", "-aq", "--filter", "label=dev.raptor.node=" + node)
                    .redirectErrorStream(true).start();
            String ids = new String(ps.getInputStream().readAllBytes()).strip();
            ps.waitFor(30, TimeUnit.SECONDS);
            if (!ids.isEmpty()) {
                List<String> cmd = new ArrayList<>(List.of("docker", "-H", dockerHost, "rm", "-f"));
                cmd.addAll(List.of(ids.split("\\s+")));
                new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            // no docker CLI: the daemon's own deletes above are the cleanup
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire's real class path (java.class.path may be a one-entry manifest jar). */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * raptorctl's own class path, what its jar holds: its classes and its runtime dependencies as the build
     * wrote them to {@code target/raptorctl.classpath} (picocli, RaptorClient with Jackson and Jetty's clients,
     * SLF4J's no-op provider). Nothing of the daemon.
     */
    static String cliClassPath() {
        try {
            Path classes = Path.of(dev.raptor.cli.RaptorctlMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dependencies = classes.resolveSibling("raptorctl.classpath");
            return classes + File.pathSeparator + Files.readString(dependencies).strip();
        } catch (java.net.URISyntaxException | IOException e) {
            throw new IllegalStateException("raptorctl's class path (target/raptorctl.classpath, written by the build): " + e, e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}

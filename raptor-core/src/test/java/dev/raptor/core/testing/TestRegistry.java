package dev.raptor.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A private image registry for one test class: Debian's {@code docker-registry} (the CNCF distribution registry, which
 * {@code scripts/test-tools.sh} installs), on a free port of 127.0.0.1, storing in a directory of the test's, and
 * requiring a login ({@link #USER} / {@link #PASSWORD}). The engine reaches it as {@code localhost:PORT}, which Docker
 * treats as an insecure registry without being told. Missing, it fails the test loudly. {@link #close()} stops the
 * process it started (by its own handle) and nothing else.
 */
public final class TestRegistry implements AutoCloseable {
    public static final String USER = "raptor";
    public static final String PASSWORD = "raptor-pull-secret";
    /**
     * bcrypt of {@link #PASSWORD} (the registry accepts no other hash), made once with
     * {@code python3 -c "import crypt; print(crypt.crypt('raptor-pull-secret', crypt.mksalt(crypt.METHOD_BLOWFISH)))"}.
     */
    private static final String HTPASSWD = USER + ":$2b$12$JXqLi38.lt/9ha.NXc7BJOHvKP34xsw9FuNi/1mQqouVc7OLZF.Ni\n";

    private final Process process;
    private final int port;

    private TestRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry storing under {@code dir}; answers once it serves. */
    public static TestRegistry start(Path dir) {
        Path binary = Path.of("/usr/bin/docker-registry");
        if (!Files.isExecutable(binary)) {
            fail(binary + " is missing: scripts/test-tools.sh installs Debian's docker-registry for the image tests");
        }
        try {
            int port = freePort();
            Path storage = Files.createDirectories(dir.resolve("registry-storage"));
            Path htpasswd = Files.writeString(dir.resolve("registry-htpasswd"), HTPASSWD);
            Path config = Files.writeString(dir.resolve("registry.yml"), """
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                      secret: %s
                    auth:
                      htpasswd:
                        realm: raptor-test
                        path: %s
                    """.formatted(storage, port, UUID.randomUUID(), htpasswd));
            Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            TestRegistry registry = new TestRegistry(p, port);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                if (!p.isAlive()) {
                    fail("docker-registry exited with " + p.exitValue() + "; see " + dir.resolve("registry.log"));
                }
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                return status == 401; // it serves, and wants a login
            });
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code localhost:PORT}: the registry host, as image references and credentials name it. */
    public String host() {
        return "localhost:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() {
        return HostPortsForTests.free();
    }
}

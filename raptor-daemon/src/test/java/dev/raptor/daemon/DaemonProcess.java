package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.wire.json.WireJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/** raptord run as a real child process ({@code java -cp <test class path> dev.raptor.daemon.Main}), with its output in files. */
final class DaemonProcess implements AutoCloseable {
    final Process process;
    final int port;
    final String apiKey;
    final Path out;
    final Path err;
    /** The certificate chain the API serves (RAPTOR_TLS_CERT), trusted by {@link #request}; null: plain HTTP. */
    final Path tls;
    private final HttpClient http;

    private DaemonProcess(Process process, int port, String apiKey, Path out, Path err, Path tls) {
        this.process = process;
        this.port = port;
        this.apiKey = apiKey;
        this.out = out;
        this.err = err;
        this.tls = tls;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(trusting(tls));
        }
        this.http = b.build();
    }

    /** The same process, its requests authenticated with {@code key} (e.g. the one a first boot printed). */
    DaemonProcess withKey(String key) {
        return new DaemonProcess(process, port, key, out, err, tls);
    }

    /** {@code http://127.0.0.1:port}, or {@code https://} when the API speaks TLS. */
    String base() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    /** A TLS context trusting every certificate in the PEM file {@code chain} (the test CA is in it) and nothing else. */
    static javax.net.ssl.SSLContext trusting(Path chain) {
        try (var in = Files.newInputStream(chain)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("c" + i++, c);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts raptord with {@code env} on top of this JVM's environment and {@code args}; does not wait for it. */
    static DaemonProcess launch(Path logDir, String name, Map<String, String> env, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                // the daemon's own logging (to stderr), not the tests' logback-test.xml that is on this class path
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> e = pb.environment();
        e.remove("DAEMON_DATA_DIR");
        e.remove("RAPTOR_API_KEY"); // a key only when the test gives one
        e.putAll(env);
        e.putIfAbsent("RAPTOR_SFTP_ADDR", "127.0.0.1:0"); // never the shared default port 2022
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        try {
            int port = env.containsKey("RAPTOR_HTTP_ADDR") ? Integer.parseInt(env.get("RAPTOR_HTTP_ADDR").replaceAll(".*:", "")) : -1;
            Path tls = env.containsKey("RAPTOR_TLS_CERT") ? Path.of(env.get("RAPTOR_TLS_CERT")) : null;
            return new DaemonProcess(pb.start(), port, env.get("RAPTOR_API_KEY"), out, err, tls);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Starts raptord on {@code dataDir} with the test engine, a free port and the given node label, and waits until healthy. */
    static DaemonProcess boot(Path dataDir, Path socket, String node, String apiKey, Path logDir, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", dataDir.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + freePort());
        env.put("RAPTOR_SOCKET", socket.toString());
        env.put("RAPTOR_API_KEY", apiKey);
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", dockerHost());
        DaemonProcess d = launch(logDir, name, env, List.of());
        d.awaitHealthy();
        return d;
    }

    static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: the daemon tests need the real Docker Engine. Run `scripts/engine.sh start` and "
                    + "`eval \"$(scripts/engine.sh env)\"`, then the tests again.");
        }
        return host.strip();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitHealthy() {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    fail("raptord exited with " + process.exitValue() + " before it was healthy:\n" + output());
                }
                try {
                    return request("GET", "/api/v1/health", null).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("raptord did not become healthy:\n" + output(), e);
        }
    }

    /** A finished {@code raptord} command (such as {@code key show}): its exit code and what it printed. */
    record Finished(int exitCode, String stdout, String stderr) {
    }

    /** Runs raptord with {@code args} (a command, not the daemon) to its end, at most {@code within}. */
    static Finished run(Path logDir, String name, Map<String, String> env, List<String> args, Duration within) {
        DaemonProcess d = launch(logDir, name, env, args);
        try {
            if (!d.process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                d.close();
                fail("raptord " + String.join(" ", args) + " did not finish within " + within.toSeconds() + " s:\n" + d.output());
            }
            return new Finished(d.process.exitValue(), Files.readString(d.out), Files.readString(d.err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the daemon wrote on standard output so far (where it prints a generated API key). */
    String stdout() {
        try {
            return Files.readString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> request(String method, String path, String json) throws IOException {
        return request(method, path, json, apiKey);
    }

    HttpResponse<String> request(String method, String path, String json, String key) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + key);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    JsonNode json(String method, String path, String body, int expectedStatus) {
        try {
            HttpResponse<String> r = request(method, path, body);
            if (r.statusCode() != expectedStatus) {
                fail(method + " " + path + " answered " + r.statusCode() + " " + r.body() + ", not " + expectedStatus);
            }
            return r.body().isEmpty() ? WireJson.mapper().createObjectNode() : WireJson.parse(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then the exit code (at most {@code within}). */
    int terminate(Duration within) {
        process.destroy();
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("raptord did not exit within " + within.toSeconds() + " s of SIGTERM:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return process.exitValue();
    }

    String output() {
        try {
            return "--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

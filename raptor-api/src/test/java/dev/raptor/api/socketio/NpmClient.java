package dev.raptor.api.socketio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The npm {@code socket.io-client} the gateway is tested with: the scripts of {@code src/test/socketio}, their
 * dependencies installed once per build from the npm registry with {@code npm ci} (pinned by its
 * {@code package-lock.json}) into {@code target/socketio-client}, run with Node.js. Node and npm come from
 * {@code scripts/test-tools.sh}; their absence fails the test, saying so.
 */
final class NpmClient {
    private static final Path SOURCE = Path.of("src/test/socketio");
    private static final Path WORK = Path.of("target/socketio-client");

    /** A script's run: its exit code and what it printed. */
    record Run(int exit, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private NpmClient() {
    }

    /** Installs the client once (again when the lock file changed). */
    static synchronized Path install() {
        try {
            Files.createDirectories(WORK);
            for (String f : List.of("package.json", "package-lock.json")) {
                Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Path marker = WORK.resolve("node_modules/.raptor-installed");
            String lock = Files.readString(SOURCE.resolve("package-lock.json"));
            if (Files.exists(marker) && Files.readString(marker).equals(Integer.toHexString(lock.hashCode()))) {
                return WORK;
            }
            Run npm = exec(WORK, Map.of(), Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (npm.exit() != 0) {
                fail("npm ci of the Socket.IO test client failed (exit " + npm.exit() + "):\n" + npm.output());
            }
            Files.writeString(marker, Integer.toHexString(lock.hashCode()));
            return WORK;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code script} (a file of src/test/socketio) with Node.js and {@code env}. */
    static Run node(String script, Map<String, String> env, Duration timeout) {
        Path dir = install();
        try {
            Files.copy(SOURCE.resolve(script), dir.resolve(script), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return exec(dir, env, timeout, "node", script);
    }

    /** Runs {@code source} as the module {@code name} with Node.js and {@code env}. */
    static Run nodeSource(String name, String source, Map<String, String> env, Duration timeout) {
        Path dir = install();
        try {
            Files.writeString(dir.resolve(name), source);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return exec(dir, env, timeout, "node", name);
    }

    private static Run exec(Path dir, Map<String, String> env, Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail(command[0] + " cannot be run (" + e.getMessage() + "): the Socket.IO tests need Node.js and npm; "
                    + "scripts/test-tools.sh installs them (apt-get install nodejs npm)", e);
            return null;
        }
        try {
            p.getOutputStream().close();
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.append("(output unreadable: ").append(e).append(')');
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + out);
            }
            reader.join(10_000);
            return new Run(p.exitValue(), out.toString());
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            throw new IllegalStateException(e);
        }
    }
}

package dev.raptor.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.daemon.testing.TestDaemon;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs raptorctl as a separate process, the way an operator or a script does, and collects what it printed. */
final class Raptorctl {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final List<String> jvmOptions;

    Raptorctl(Map<String, String> env) {
        this(env, List.of());
    }

    private Raptorctl(Map<String, String> env, List<String> jvmOptions) {
        this.env = Map.copyOf(env);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The same, its JVM started with these options too (e.g. a class-loading log). */
    Raptorctl withJvmOptions(String... options) {
        return new Raptorctl(env, List.of(options));
    }

    /** raptorctl talking to {@code daemon} over its Unix socket, as root on the node does. */
    static Raptorctl onSocket(TestDaemon daemon) {
        return new Raptorctl(Map.of("RAPTOR_SOCKET", daemon.process().socket().toString()));
    }

    static Raptorctl withEnv(Map<String, String> env) {
        return new Raptorctl(env);
    }

    record Result(int exit, String out, String err, List<String> args) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("raptorctl " + String.join(" ", args) + " printed no JSON: " + e.getMessage() + "\n" + out, e);
            }
        }

        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "raptorctl " + String.join(" ", args) + " -> exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs to completion with {@code stdin} (null: none, closed at once). */
    Result runWithInput(String stdin, String... args) {
        Process p = start(args);
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("raptorctl " + String.join(" ", args) + " did not finish within " + TIMEOUT.toSeconds() + "s");
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS), List.of(args));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("running raptorctl " + String.join(" ", args) + " failed: " + e, e);
        }
    }

    /** Starts raptorctl and hands over the process (for streams: logs -f, stats, attach). */
    Process start(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cliClassPath(), "dev.raptor.cli.RaptorctlMain"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("RAPTOR_") || k.equals("DAEMON_DATA_DIR") || k.equals("NO_COLOR"));
        e.putAll(new HashMap<>(env));
        try {
            return pb.start();
        } catch (IOException ex) {
            throw new AssertionError("cannot start raptorctl: " + ex, ex);
        }
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

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Reads a running process's stdout line by line, so tests can wait for a line with a deadline. */
    static final class Lines {
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();

        Lines(Process p) {
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        queue.add(line);
                    }
                } catch (IOException e) {
                    // process gone
                }
            });
        }

        /** Waits for a line matching {@code wanted}; fails naming everything seen so far. */
        String await(Predicate<String> wanted, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no " + what + " within " + timeout.toSeconds() + "s; saw:\n" + seen);
                }
                seen.append(line).append('\n');
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        int count(Predicate<String> wanted, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            int n = 0;
            while (System.nanoTime() < deadline) {
                String line = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line != null) {
                    seen.append(line).append('\n');
                    if (wanted.test(line)) {
                        n++;
                    }
                }
            }
            return n;
        }
    }
}

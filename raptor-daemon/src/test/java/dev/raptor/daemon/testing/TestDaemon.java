package dev.raptor.daemon.testing;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.server.ServerDocument;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tests' child raptord (raptor-daemon's test-jar): a {@link DaemonProcess} with the tests' rules. A
 * daemon that needs the engine fails the test loudly when {@code DOCKER_HOST} is missing, never skips it;
 * a daemon that does not come up fails the test with its output; and {@link #close()} leaves nothing behind:
 * it deletes the daemon's servers, stops it, and removes whatever containers of its node label remain.
 *
 * @param process the daemon (its socket, port, API key, client and output)
 * @param dir     the directory it lives in (data, socket, output)
 * @param node    the node label of its containers
 */
public record TestDaemon(DaemonProcess process, Path dir, String node) implements AutoCloseable {
    /** Boot on a loaded machine with a real engine takes a while; this only catches a daemon that never comes up. */
    public static final Duration BOOT_LIMIT = Duration.ofSeconds(90);
    private static final String HOW = "Start the test engine with `scripts/engine.sh start` and point the tests at it with "
            + "`eval \"$(scripts/engine.sh env)\"` (it sets DOCKER_HOST), or run scripts/test.sh.";

    /**
     * A daemon on the real Docker Engine in {@code dir}: its own data directory ({@code dir/data}), Unix socket,
     * free TCP port, API key and node label, output in {@code dir/<name>.out} and {@code .err}; healthy when
     * this returns.
     */
    public static TestDaemon onEngine(Path dir, String name) {
        String node = "test-" + HexFormat.of().formatHex(randomBytes(4));
        DaemonProcess.Builder b = DaemonProcess.builder()
                .dataDir(dir.resolve("data"))
                .socket(dir.resolve("raptor.sock"))
                .httpPort(DaemonProcess.freePort())
                .apiKey("test-" + HexFormat.of().formatHex(randomBytes(24)))
                .docker(dockerHost(), node)
                .classPath(classPath())
                .output(dir.resolve(name + ".out"), dir.resolve(name + ".err"));
        return new TestDaemon(started(b), dir, node);
    }

    /** Launches {@code builder} and waits until it is healthy; a daemon that does not get there fails the test. */
    public static DaemonProcess started(DaemonProcess.Builder builder) {
        DaemonProcess d = builder.launch();
        awaitHealthy(d);
        return d;
    }

    /** Waits until {@code d} is healthy, at most {@link #BOOT_LIMIT}; fails the test with its output otherwise. */
    public static void awaitHealthy(DaemonProcess d) {
        try {
            d.awaitHealthy(BOOT_LIMIT);
        } catch (IllegalStateException e) {
            d.close();
            fail(e.getMessage());
        }
    }

    /** raptord started on this JVM's class path with {@code env} and {@code args}, its output in {@code logDir/<name>.out|.err}; not waited for. */
    public static DaemonProcess launch(Path logDir, String name, Map<String, String> env, List<String> args) {
        return DaemonProcess.builder().env(env).args(args).classPath(classPath())
                .output(logDir.resolve(name + ".out"), logDir.resolve(name + ".err")).launch();
    }

    /** The tests' class path, which holds the daemon: Surefire's real one (java.class.path may be a one-entry manifest jar). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** A finished {@code raptord} command (such as {@code key show}): its exit code and what it printed. */
    public record Finished(int exitCode, String stdout, String stderr) {
    }

    /** Runs raptord with {@code args} (a command, not the daemon) to its end, at most {@code within}. */
    public static Finished run(Path logDir, String name, Map<String, String> env, List<String> args, Duration within) {
        DaemonProcess d = launch(logDir, name, env, args);
        try {
            int exit = d.awaitExit(within);
            return new Finished(exit, d.stdout(), d.stderr());
        } catch (IllegalStateException e) {
            d.close();
            return fail(e.getMessage());
        }
    }

    /** The engine the tests run on; fails the test, saying how to get one, when {@code DOCKER_HOST} is not set. */
    public static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: these tests drive a real raptord on the real Docker Engine. " + HOW);
        }
        return host.strip();
    }

    /** Deletes every server (killing it), stops the daemon, and removes the containers of its node that remain. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    for (ServerDocument s : process.client().servers().list().servers()) {
                        process.client().server(s.spec().id()).delete(true, Duration.ofSeconds(60));
                    }
                } catch (RaptorException e) {
                    // the daemon is not answering; the engine sweep below still runs
                }
            }
        } finally {
            process.close();
            removeContainers(node);
        }
    }

    /** Removes every container labelled with {@code node} from the test engine. */
    public static void removeContainers(String node) {
        try (DockerRuntime engine = DockerRuntime.connect(DockerRuntimeConfig.of(dockerHost()).withNode(node))) {
            for (ContainerInfo c : engine.listOwned(Deadline.in(Duration.ofSeconds(60)))) {
                try {
                    engine.remove(c.ref(), Deadline.in(Duration.ofSeconds(60)));
                } catch (EngineException e) {
                    // gone already
                }
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}

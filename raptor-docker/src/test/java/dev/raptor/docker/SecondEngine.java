package dev.raptor.docker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Docker Engine of the tests' own that a test may stop and start: never the shared test engine, which other
 * suites use at the same time. {@code scripts/test.sh} starts it with {@code scripts/engine.sh} under its own
 * directory ({@code RAPTOR_SECOND_ENGINE_DIR}) on its own bridge ({@code RAPTOR_SECOND_ENGINE_BRIDGE}), with
 * the test images; this class stops and starts it the same way. Missing: a loud failure, never a skip.
 */
final class SecondEngine {
    private static final String HOW = "scripts/test.sh starts it; by hand: RAPTOR_ENGINE_DIR=/var/tmp/raptor-engine-second "
            + "RAPTOR_ENGINE_BRIDGE=raptorbr1/172.29.213.1/24 scripts/engine.sh start, then export RAPTOR_SECOND_ENGINE_DIR and "
            + "RAPTOR_SECOND_ENGINE_BRIDGE with the same values";

    private final Path dir;
    private final String bridge;
    private final Path script;

    private SecondEngine(Path dir, String bridge, Path script) {
        this.dir = dir;
        this.bridge = bridge;
        this.script = script;
    }

    /** The second engine as the environment names it; fails the test when it is not set up or does not answer. */
    static SecondEngine require() {
        String dir = System.getenv("RAPTOR_SECOND_ENGINE_DIR");
        String bridge = System.getenv("RAPTOR_SECOND_ENGINE_BRIDGE");
        if (dir == null || dir.isBlank() || bridge == null || bridge.isBlank()) {
            fail("RAPTOR_SECOND_ENGINE_DIR and RAPTOR_SECOND_ENGINE_BRIDGE are not set: this test stops and starts a Docker "
                    + "Engine of its own. " + HOW);
        }
        Path script = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("scripts/engine.sh"))) {
                script = p.resolve("scripts/engine.sh");
                break;
            }
        }
        if (script == null) {
            fail("scripts/engine.sh not found above " + Path.of("").toAbsolutePath());
        }
        SecondEngine engine = new SecondEngine(Path.of(dir.strip()), bridge.strip(), script);
        if (!engine.answers()) {
            fail("the second Docker Engine in " + dir + " does not answer. " + HOW);
        }
        return engine;
    }

    /**
     * Holds the engine for one test: suites run at once from several checkouts would otherwise stop it under
     * each other's feet. Released by closing; waits (bounded) for another holder.
     */
    AutoCloseable hold() throws IOException, InterruptedException {
        FileChannel channel = FileChannel.open(dir.resolveSibling(dir.getFileName() + "-test.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        FileLock lock;
        while ((lock = channel.tryLock()) == null) {
            if (System.nanoTime() - until > 0) {
                channel.close();
                fail("another test has held the second engine in " + dir + " for 10 minutes");
            }
            Thread.sleep(500); // another JVM's lock: nothing to wait on but time
        }
        FileLock held = lock;
        return () -> {
            held.release();
            channel.close();
        };
    }

    String dockerHost() {
        return "unix://" + dir.resolve("docker.sock");
    }

    boolean answers() {
        return run("status") == 0;
    }

    /** Stops the engine (SIGTERM, as a package upgrade's stop does): it stops its containers and exits. */
    void stop() {
        if (run("stop") != 0) {
            fail("could not stop the second engine in " + dir + " (see " + dir.resolve("dockerd.log") + ")");
        }
    }

    /** Starts it again (its containers stay stopped: they have no restart policy of the engine's). */
    void start() {
        if (run("start") != 0) {
            fail("could not start the second engine in " + dir + " (see " + dir.resolve("dockerd.log") + ")");
        }
    }

    private int run(String command) {
        ProcessBuilder pb = new ProcessBuilder(List.of(script.toString(), command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(dir.getFileName() + "-test.log").toFile()));
        pb.environment().put("RAPTOR_ENGINE_DIR", dir.toString());
        pb.environment().put("RAPTOR_ENGINE_BRIDGE", bridge);
        try {
            Process p = pb.start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("scripts/engine.sh " + command + " for " + dir + " did not finish within 3 minutes");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + script, e);
        }
    }
}

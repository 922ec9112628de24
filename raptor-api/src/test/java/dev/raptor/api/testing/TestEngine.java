package dev.raptor.api.testing;

import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.docker.RegistryCredential;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real Docker Engine the API tests run against. A missing engine is a loud failure, never a
 * skip. Every test node labels its containers with its own node name, so that concurrent test runs
 * on one engine never reconcile each other's containers away.
 */
public final class TestEngine {
    public static final String IMAGE = "raptor-test/gameserver:1";
    /**
     * The same image under the tag the echo-mode (message socket) tests use, whose echo mode acknowledges every
     * message; see scripts/test-image/build.sh.
     */
    public static final String ECHO_IMAGE = "raptor-test/gameserver:messages";
    public static final String DONE_LINE = "Done! For help, type \"help\"";

    private static final String HOW = "Start the test engine with `scripts/engine.sh start` and point the tests at it with "
            + "`eval \"$(scripts/engine.sh env)\"` (it sets DOCKER_HOST), then run the tests again.";

    private TestEngine() {
    }

    public static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: the API tests need the real Docker Engine. " + HOW);
        }
        return host.strip();
    }

    /** A runtime for {@code node}'s containers; fails the test when the engine does not answer. */
    public static DockerRuntime runtime(String node) {
        return runtime(node, Map.of());
    }

    /** Like {@link #runtime(String)}, pulling with these credentials by registry host. */
    public static DockerRuntime runtime(String node, Map<String, RegistryCredential> registries) {
        DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(dockerHost()).withNode(node).withRegistries(registries));
        try {
            runtime.info(Deadline.in(Duration.ofSeconds(30)));
        } catch (EngineException e) {
            runtime.close();
            fail("the Docker Engine at " + dockerHost() + " does not answer (" + e.getMessage() + "). " + HOW, e);
        }
        return runtime;
    }

    /** Removes every container and network of {@code node} (tests clean up what they made, whatever happened). */
    public static void removeContainers(String node) {
        try (DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(dockerHost()).withNode(node))) {
            for (ContainerInfo c : runtime.listOwned(Deadline.in(Duration.ofSeconds(60)))) {
                try {
                    runtime.remove(c.ref(), Deadline.in(Duration.ofSeconds(60)));
                } catch (EngineException e) {
                    // already gone
                }
            }
            for (NetworkInfo n : runtime.networks(Deadline.in(Duration.ofSeconds(60)))) {
                try {
                    runtime.removeNetwork(n.name(), Deadline.in(Duration.ofSeconds(60)));
                } catch (EngineException e) {
                    // already gone
                }
            }
        }
    }
}

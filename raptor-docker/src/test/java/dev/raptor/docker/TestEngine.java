package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real Docker Engine the tests run against. Missing engine or image is a loud failure, never a skip:
 * a green build must mean the runtime was exercised against an engine.
 */
final class TestEngine {
    static final String IMAGE = "raptor-test/gameserver:1";
    static final String DONE_LINE = "Done! For help, type \"help\"";
    /** Marks containers the tests create directly with docker-java (without Raptor's server label). */
    static final String TEST_LABEL = "dev.raptor-test.owner";

    private static final String HOW = "Start the test engine with `scripts/engine.sh start` and point the tests at it with "
            + "`eval \"$(scripts/engine.sh env)\"` (it sets DOCKER_HOST), then run the tests again.";

    private static volatile DockerClient direct;
    private static volatile boolean verified;

    private TestEngine() {
    }

    static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: raptor-docker's tests need the real Docker Engine. " + HOW);
        }
        return host.strip();
    }

    /** Fails the test loudly unless the engine answers and has the test image. */
    static void requireEngine() {
        if (verified) {
            return;
        }
        String host = dockerHost();
        DockerClient client = direct();
        try {
            CompletableFuture.runAsync(() -> client.pingCmd().exec()).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            fail("the Docker Engine at " + host + " does not answer (" + e + "). " + HOW, e);
        }
        try {
            client.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            fail("the test image " + IMAGE + " is missing on " + host + ". `scripts/engine.sh start` builds it.", e);
        }
        verified = true;
    }

    /** A plain docker-java client to check what the runtime did, independently of the runtime. */
    static DockerClient direct() {
        DockerClient c = direct;
        if (c == null) {
            synchronized (TestEngine.class) {
                if (direct == null) {
                    String host = dockerHost();
                    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                            .withDockerHost(host)
                            .withApiVersion("1.41")
                            .build();
                    direct = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                            .dockerHost(config.getDockerHost())
                            .connectionTimeout(Duration.ofSeconds(10))
                            .build());
                }
                c = direct;
            }
        }
        return c;
    }
}

package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * Base of the tests that run against the real engine: one runtime per class, a fresh server id per server,
 * and every container a test made removed (by label) after it.
 */
abstract class EngineTest {
    static final Duration PATIENCE = Duration.ofSeconds(60);

    static DockerRuntime runtime;
    static DockerClient docker;

    /** Label value marking the containers this test created directly with docker-java. */
    final String testToken = UUID.randomUUID().toString();
    private final List<UUID> servers = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    @TempDir
    Path dataDir;

    @BeforeAll
    static void connectToTheEngine() {
        TestEngine.requireEngine();
        runtime = DockerRuntime.connect(TestEngine.dockerHost());
        docker = TestEngine.direct();
    }

    @AfterAll
    static void closeTheRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        subscriptions.forEach(Subscription::close);
        List<String> filters = new ArrayList<>();
        servers.forEach(id -> filters.add(RuntimeLabels.SERVER + "=" + id));
        filters.add(TestEngine.TEST_LABEL + "=" + testToken);
        for (String filter : filters) {
            for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(filter)).exec()) {
                try {
                    docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException gone) {
                    // already removed by the test
                }
            }
        }
    }

    static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(30));
    }

    UUID newServerId() {
        UUID id = UUID.randomUUID();
        servers.add(id);
        return id;
    }

    /** A spec for the test image with a fresh id. */
    ServerSpec.Builder spec() {
        return ServerSpec.builder(TestEngine.IMAGE).id(newServerId()).name("raptor-docker-test");
    }

    ContainerInfo create(ServerSpec spec) {
        return runtime.create(spec, dataDir, Deadline.in(PATIENCE));
    }

    /** Creates and starts the server and waits for its Done line; returns its console, followed from the start. */
    Console startBooted(ServerSpec spec) {
        ContainerRef ref = create(spec).ref();
        runtime.start(ref, soon());
        Console console = follow(ref);
        await().atMost(PATIENCE).until(() -> console.lines.hasLine(TestEngine.DONE_LINE));
        return console;
    }

    /** Follows a container's whole console (closed after the test). */
    Console follow(ContainerRef ref) {
        Collector<LogLine> lines = new Collector<>();
        Subscription s = runtime.logs(ref, LogRequest.follow(-1), lines);
        subscriptions.add(s);
        return new Console(ref, lines, s);
    }

    <S extends Subscription> S closeAfterTest(S s) {
        subscriptions.add(s);
        return s;
    }

    /** A running server and what it printed. */
    record Console(ContainerRef ref, Collector<LogLine> lines, Subscription subscription) {
        void awaitLine(String text) {
            await().atMost(PATIENCE).until(() -> lines.hasLine(text));
        }
    }
}

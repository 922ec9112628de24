package dev.raptor.docker;

import com.github.dockerjava.api.command.CreateContainerResponse;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.testing.EngineProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine's container events as the runtime reports them. Other suites may share the engine: assertions filter by server. */
class EventsTest extends EngineTest {

    private static List<RuntimeEvent.ContainerEvent> of(Collector<RuntimeEvent> events, UUID serverId) {
        return events.items.stream().filter(e -> e instanceof RuntimeEvent.ContainerEvent c && c.ref().serverId().equals(serverId))
                .map(RuntimeEvent.ContainerEvent.class::cast).toList();
    }

    private static <E extends RuntimeEvent.ContainerEvent> Optional<E> first(Collector<RuntimeEvent> events, UUID serverId, Class<E> type) {
        return of(events, serverId).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    @Test
    void startAndDieWithTheExitCodeArriveForAnOwnedContainer() {
        Collector<RuntimeEvent> events = new Collector<>();
        closeAfterTest(runtime.events(events));
        Console console = startBooted(spec().build());
        UUID server = console.ref().serverId();

        runtime.sendInput(console.ref(), "crash", soon());

        await().atMost(PATIENCE).until(() -> first(events, server, RuntimeEvent.Exited.class).isPresent());
        assertThat(first(events, server, RuntimeEvent.Started.class)).hasValueSatisfying(e ->
                assertThat(e.ref().id()).isEqualTo(console.ref().id()));
        RuntimeEvent.Exited exited = first(events, server, RuntimeEvent.Exited.class).orElseThrow();
        assertThat(exited.exitCode()).isEqualTo(1);
        assertThat(exited.oomKilled()).isFalse();
        assertThat(exited.ref().id()).isEqualTo(console.ref().id());
        assertThat(exited.ref().name()).isEqualTo(console.ref().name());
        assertThat(of(events, server)).first().isInstanceOf(RuntimeEvent.Started.class);
    }

    @Test
    void aContainerWithoutTheServerLabelProducesNoEventsAndIsNeverListed() {
        Collector<RuntimeEvent> events = new Collector<>();
        closeAfterTest(runtime.events(events));
        CreateContainerResponse stranger = docker.createContainerCmd(TestEngine.IMAGE)
                .withName("raptor-docker-test-stranger-" + testToken)
                .withLabels(Map.of(TestEngine.TEST_LABEL, testToken))
                .withEntrypoint("/bin/sh", "-c", "exit 3")
                .exec();
        docker.startContainerCmd(stranger.getId()).exec();
        assertThat(runtime.awaitExit(new ContainerRef(stranger.getId(), null, UUID.randomUUID()),
                Deadline.in(PATIENCE))).contains(3);
        // an owned container's whole life after the stranger's: its events arrive after any of the stranger's would have
        Console owned = startBooted(spec().build());
        runtime.kill(owned.ref(), soon());
        await().atMost(PATIENCE).until(() -> first(events, owned.ref().serverId(), RuntimeEvent.Exited.class).isPresent());

        assertThat(events.items).noneMatch(e -> e instanceof RuntimeEvent.ContainerEvent c && c.ref().id().equals(stranger.getId()));
        assertThat(runtime.listOwned(soon())).extracting(ContainerInfo::ref).noneMatch(r -> r.id().equals(stranger.getId()));
        assertThat(runtime.listOwned(soon())).extracting(i -> i.ref().id()).contains(owned.ref().id());
    }

    @Test
    void aContainerRemovedBehindTheRuntimesBackArrivesAsRemoved() {
        Collector<RuntimeEvent> events = new Collector<>();
        closeAfterTest(runtime.events(events));
        ContainerInfo c = create(spec().build());

        docker.removeContainerCmd(c.ref().id()).withForce(true).exec();

        await().atMost(PATIENCE).until(() -> first(events, c.serverId(), RuntimeEvent.Removed.class).isPresent());
        assertThat(first(events, c.serverId(), RuntimeEvent.Removed.class).orElseThrow().ref().id()).isEqualTo(c.ref().id());
    }

    @Test
    void eventsThatHappenWhileTheStreamIsBrokenArriveAfterItsReconnectOnceEach(@TempDir Path dir) throws IOException {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("proxy.sock"), TestEngine.dockerHost());
             DockerRuntime viaProxy = DockerRuntime.connect(proxy.dockerHost())) {
            Collector<RuntimeEvent> events = new Collector<>();
            Subscription s = viaProxy.events(events);
            Console console = startBooted(spec().build());
            UUID server = console.ref().serverId();
            await().atMost(PATIENCE).until(() -> first(events, server, RuntimeEvent.Started.class).isPresent());

            proxy.cutAndRefuse();
            runtime.kill(console.ref(), soon());
            assertThat(runtime.awaitExit(console.ref(), Deadline.in(PATIENCE))).contains(137);
            proxy.resume();

            await().atMost(PATIENCE).until(() -> first(events, server, RuntimeEvent.Exited.class).isPresent());
            assertThat(of(events, server)).extracting(e -> e.getClass().getSimpleName()).containsExactly("Started", "Exited");
            assertThat(first(events, server, RuntimeEvent.Exited.class).orElseThrow().exitCode()).isEqualTo(137);
            assertThat(events.ended()).isFalse();
            s.close();
            await().atMost(PATIENCE).until(events::ended);
        }
    }

    @Test
    void closingTheSubscriptionEndsItOnceAndReleasesItsStream() {
        int before = runtime.openStreams();
        Collector<RuntimeEvent> events = new Collector<>();
        Subscription s = runtime.events(events);
        assertThat(s.isOpen()).isTrue();

        s.close();
        s.close();

        await().atMost(PATIENCE).until(events::ended);
        await().atMost(PATIENCE).until(() -> runtime.openStreams() == before);
        assertThat(s.isOpen()).isFalse();
        assertThat(events.ends).hasValue(1);
        assertThat(events.error).hasNullValue();
    }
}

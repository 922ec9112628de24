package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A controller's view is a value that a panel's list asks for on every poll: it is the same instance while nothing in
 * it changed (no garbage per server per poll), and a new one as soon as anything did (in-memory engine).
 */
class ControllerViewTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;

    @BeforeEach
    void openFleet() {
        fleet = new ServerFleet(new MemoryStore(), runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
    }

    @AfterEach
    void closeAll() {
        fleet.close();
        bus.close();
        runtime.close();
    }

    @Test
    void theViewIsTheSameInstanceUntilSomethingInItChanges() throws Exception {
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("view").readyPattern("Done!")
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30))).build()).id();
        ServerController c = fleet.controller(id);
        ServerController.View offline = c.view();
        assertThat(c.view()).isSameAs(offline);
        assertThat(fleet.list().getFirst().live()).isSameAs(offline);

        fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS);

        ServerController.View running = c.view();
        assertThat(running).isNotSameAs(offline);
        assertThat(running.state()).isEqualTo(ServerState.RUNNING);
        assertThat(running.containerId()).isNotNull();
        assertThat(running.startedAt()).isNotNull();
        assertThat(c.view()).isSameAs(running);
    }

    @Test
    void askingForAnUnchangedViewAllocatesNothing() {
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("still").build()).id();
        ServerController c = fleet.controller(id);
        ServerController.View first = c.view();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int asks = 1_000;
        int same = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < asks; i++) {
            same += c.view() == first ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(same).isEqualTo(asks);
        // a new view and a lambda for the mailbox's read per ask were ~60 bytes (per server, per poll of the list)
        assertThat(allocated).as("bytes allocated by %d asks for an unchanged view", asks).isLessThan(asks * 8L);
    }
}

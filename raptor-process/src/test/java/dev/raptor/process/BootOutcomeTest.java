package dev.raptor.process;

import dev.raptor.core.allocation.PortInUseException;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a start answers on real processes: a server that dies at once fails its start with the exit code and
 * what it printed, one that keeps running through its settle window starts, and ports are checked against the
 * host's real sockets, never against the server's own.
 */
class BootOutcomeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    private SqliteStore store;
    private ProcessRuntime runtime;
    private EventBus bus;
    private ServerFleet fleet;

    @BeforeEach
    void openFleet() {
        Path dir = TestHost.reachable(tmp);
        store = SqliteStore.open(dir.resolve("state"));
        runtime = ProcessRuntime.open(ProcessRuntimeConfig.at(dir.resolve("process")));
        bus = new EventBus();
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dir.resolve("volumes")), runtime.hostPorts());
        fleet.boot();
    }

    @AfterEach
    void closeFleet() throws Exception {
        for (var s : fleet.list()) {
            fleet.delete(s.id(), true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        fleet.close();
        bus.close();
        runtime.close();
        store.close();
    }

    private PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aStartupCommandThatIsNotFoundFailsTheStartWithItsExitCodeAndWhatTheShellSaid() throws Exception {
        StoredServer s = fleet.create(ServerSpec.builder().name("not-found").startup("raptor-no-such-game --nogui").build());

        PowerResult r = power(s.id(), PowerAction.START);

        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason())
                .startsWith("the server exited during boot with code 127; its last line of output:\n")
                .contains("raptor-no-such-game").contains("not found"));
        assertThat(fleet.controller(s.id()).state()).isEqualTo(ServerState.OFFLINE);
    }

    @Test
    void aServerThatDiesWithinItsSettleWindowFailsItsStartWithItsLastWords() throws Exception {
        StoredServer s = fleet.create(ServerSpec.builder().name("dies-soon")
                .startup("echo 'loading world'; sleep 0.5; echo 'nc: bind: Address already in use' >&2; exit 3").build());

        PowerResult r = power(s.id(), PowerAction.START);

        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason()).isEqualTo(
                "the server exited during boot with code 3; its last 2 lines of output:\nloading world\nnc: bind: Address already in use"));
    }

    @Test
    void aServerThatKeepsRunningThroughItsSettleWindowStartsAndARestartIsNotRefusedBecauseOfItsOwnPort() throws Exception {
        ServerSpec spec = TestHost.gameServer().name("settles").readyPattern(null).settle(Duration.ofSeconds(1)).build();
        StoredServer s = fleet.create(spec);

        assertThat(power(s.id(), PowerAction.START)).isInstanceOfSatisfying(PowerResult.Done.class,
                d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
        assertThat(runtime.hostPorts().firstInUse(spec.allocations())).as("the game listens on its port").isPresent();

        assertThat(power(s.id(), PowerAction.RESTART)).isInstanceOfSatisfying(PowerResult.Done.class,
                d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
    }

    @Test
    void aPortAnotherProgramHoldsIsRefusedAtCreateAndAtStart() throws Exception {
        try (ServerSocketChannel other = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
            assertThatThrownBy(() -> fleet.create(TestHost.gameServer().name("taken").allocations(null).port("127.0.0.1", port).build()))
                    .isInstanceOfSatisfying(PortInUseException.class, e -> assertThat(e.inUse().pid()).isEqualTo(ProcessHandle.current().pid()));
        }
        ServerSpec spec = TestHost.gameServer().name("taken-later").build();
        StoredServer s = fleet.create(spec);
        int port = spec.primaryAllocation().orElseThrow().port();
        try (ServerSocketChannel other = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", port))) {
            assertThatThrownBy(() -> fleet.power(s.id(), PowerAction.START)).isInstanceOf(PortInUseException.class);
        }
        assertThat(power(s.id(), PowerAction.START)).isInstanceOf(PowerResult.Done.class);
    }
}

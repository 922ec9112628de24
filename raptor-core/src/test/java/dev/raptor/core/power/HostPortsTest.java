package dev.raptor.core.power;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.BindProbe;
import dev.raptor.core.allocation.PortInUseException;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeProgram;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ports other programs hold, on real sockets of this host: the fleet asks at create, when a patch adds an
 * allocation and before each start, and a server is never refused because of its own ports. The game in
 * the engine really listens on its port while it runs.
 */
class HostPortsTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;
    private ServerSocketChannel other;

    @BeforeEach
    void openFleet() {
        engine.programs(spec -> new ListeningGame(spec));
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")), new BindProbe(Set.of()));
        fleet.boot();
    }

    @AfterEach
    void closeAll() throws IOException {
        fleet.close();
        bus.close();
        runtime.close();
        if (other != null) {
            other.close();
        }
    }

    /** A game that listens on its primary allocation while it runs and lets go when it stops (SIGTERM). */
    private static final class ListeningGame implements FakeProgram {
        private final ServerSpec spec;
        private ServerSocketChannel socket;

        ListeningGame(ServerSpec spec) {
            this.spec = spec;
        }

        @Override
        public void started(Run run) {
            Allocation a = spec.primaryAllocation().orElseThrow();
            try {
                socket = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral(a.ip()), a.port()));
                run.print("Done!");
            } catch (IOException e) {
                run.printError("bind: " + e.getMessage());
                run.exit(1);
            }
        }

        @Override
        public void signal(Run run, String signal) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            run.exit(0);
        }
    }

    /** A port another program (this test) listens on. */
    private int takenPort() throws IOException {
        other = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
        return ((InetSocketAddress) other.getLocalAddress()).getPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel c = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0))) {
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    private static ServerSpec.Builder game(int port) {
        return ServerSpec.builder("raptor-test/gameserver:1").name("game-" + port).readyPattern("Done!")
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30))).port("127.0.0.1", port);
    }

    private PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private static void assertDone(PowerResult r, ServerState state) {
        assertThat(r).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(state));
    }

    @Test
    void creatingAServerOnAPortAnotherProgramHoldsIsRefusedAndNamesTheHolder() throws Exception {
        int port = takenPort();
        ServerSpec spec = game(port).build();

        assertThatThrownBy(() -> fleet.create(spec)).isInstanceOfSatisfying(PortInUseException.class, e -> {
            assertThat(e.inUse().allocation().port()).isEqualTo(port);
            assertThat(e.inUse().pid()).isEqualTo(ProcessHandle.current().pid());
        });
        assertThat(store.list()).isEmpty();
        assertThat(fleet.ports().held(spec.id())).as("nothing claimed").isEmpty();

        other.close();
        assertThat(fleet.create(spec).id()).isEqualTo(spec.id());
    }

    @Test
    void aPatchThatAddsAPortAnotherProgramHoldsIsRefusedAndChangesNothing() throws Exception {
        StoredServer s = fleet.create(game(freePort()).build());
        int port = takenPort();
        ServerSpec patched = s.spec().toBuilder().allocation(Allocation.secondary("127.0.0.1", port, Protocol.TCP)).build();

        assertThatThrownBy(() -> fleet.update(s.id(), s.version(), patched)).isInstanceOf(PortInUseException.class);
        assertThat(store.find(s.id()).orElseThrow().version()).isEqualTo(s.version());
        assertThat(fleet.ports().held(s.id())).isEqualTo(s.spec().allocations());
    }

    @Test
    void aRunningServerIsNeverRefusedBecauseOfItsOwnPorts() throws Exception {
        StoredServer s = fleet.create(game(freePort()).build());
        assertDone(power(s.id(), PowerAction.START), ServerState.RUNNING);

        StoredServer renamed = fleet.update(s.id(), s.version(), s.spec().toBuilder().name("renamed").env("MOTD", "hi").build());
        assertThat(renamed.version()).isEqualTo(s.version() + 1);
        assertDone(power(s.id(), PowerAction.RESTART), ServerState.RUNNING);
        assertDone(power(s.id(), PowerAction.START), ServerState.RUNNING);
    }

    @Test
    void startingAnOfflineServerWhosePortWasTakenMeanwhileIsRefusedAtOnce() throws Exception {
        int port = freePort();
        StoredServer s = fleet.create(game(port).build());
        other = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port));

        assertThatThrownBy(() -> fleet.power(s.id(), PowerAction.START)).isInstanceOf(PortInUseException.class);
        assertThat(engine.calls(FakeEngine.Verb.CREATE)).as("the engine was not touched").isZero();
    }

    @Test
    void everyStartChecksAgainSoAStartThatDoesNotPassTheFleetFailsWithThePortsHolder() throws Exception {
        int port = freePort();
        StoredServer s = fleet.create(game(port).build());
        other = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port));

        // straight to the controller, the way a crash restart, an import or boot reconciliation starts a server
        PowerResult r = fleet.controller(s.id()).submit(new Intent.Power(PowerAction.START)).get(HANG.toSeconds(), TimeUnit.SECONDS);
        String expected = "port in use: 127.0.0.1:" + port + "/tcp is in use by " + holder();
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason()).isEqualTo(expected));
        assertThat(fleet.controller(s.id()).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(engine.calls(FakeEngine.Verb.START)).isZero();
    }

    private static String holder() throws IOException {
        return java.nio.file.Files.readString(Path.of("/proc/self/comm")).strip() + " (pid " + ProcessHandle.current().pid() + ")";
    }

    @Test
    void withoutAProbeOnlyRaptorsOwnAllocationsCount() throws Exception {
        fleet.close();
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
        StoredServer s = fleet.create(game(takenPort()).build());
        assertThat(store.find(s.id())).isPresent();
    }
}

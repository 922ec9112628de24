package dev.raptor.core.stats;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A running server over its disk quota, on the in-memory engine: reported once per crossing, stopped when the node says so. */
class DiskQuotaWatchTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private final List<DiskOverQuota> events = new CopyOnWriteArrayList<>();
    private ServerFleet fleet;

    private UUID runningServer() throws Exception {
        bus.subscribe(DiskOverQuota.class, events::add);
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("game").readyPattern("Done!")
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30))).build()).id();
        assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        return id;
    }

    @AfterEach
    void closeAll() {
        if (fleet != null) {
            fleet.close();
        }
        bus.close();
        runtime.close();
    }

    private List<ActivityEntry> quotaEntries(UUID id) {
        return store.activity(id, Long.MAX_VALUE, 1000).stream().filter(e -> e.type().equals("disk.over-quota")).toList();
    }

    @Test
    void aRunningServerOverItsQuotaIsReportedOncePerCrossingAndKeepsRunningByDefault() throws Exception {
        UUID id = runningServer();
        DiskQuotaWatch watch = new DiskQuotaWatch(fleet, false, Clock.systemUTC());

        watch.overQuota(id, 3L << 20, 2L << 20);
        watch.overQuota(id, 4L << 20, 2L << 20); // the next scan, still over: no second report

        await().atMost(HANG).until(() -> events.size() == 1);
        assertThat(events.getFirst()).satisfies(e -> {
            assertThat(e.serverId()).isEqualTo(id);
            assertThat(e.usedBytes()).isEqualTo(3L << 20);
            assertThat(e.limitBytes()).isEqualTo(2L << 20);
            assertThat(e.stopping()).isFalse();
        });
        assertThat(quotaEntries(id)).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("its files use 3 MiB of its 2 MiB disk quota");
            assertThat(e.details()).containsEntry("usedBytes", Long.toString(3L << 20));
        });
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);

        watch.withinQuota(id);
        watch.overQuota(id, 5L << 20, 2L << 20);
        assertThat(quotaEntries(id)).hasSize(2);
    }

    @Test
    void whenTheNodeSaysSoAServerOverItsQuotaIsStopped() throws Exception {
        UUID id = runningServer();
        DiskQuotaWatch watch = new DiskQuotaWatch(fleet, true, Clock.systemUTC());

        watch.overQuota(id, 3L << 20, 2L << 20);

        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.OFFLINE);
        assertThat(quotaEntries(id)).singleElement().satisfies(e -> assertThat(e.message()).endsWith("stopping it (the node stops servers over their quota)"));
        await().atMost(HANG).until(() -> events.size() == 1 && events.getFirst().stopping());
    }

    @Test
    void aServerThatIsNotRunningIsNotReported() throws Exception {
        UUID id = runningServer();
        assertThat(fleet.power(id, PowerAction.STOP).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        DiskQuotaWatch watch = new DiskQuotaWatch(fleet, true, Clock.systemUTC());

        watch.overQuota(id, 3L << 20, 2L << 20);

        assertThat(watch.reportedOver(id)).isFalse();
        assertThat(quotaEntries(id)).isEmpty();
    }
}

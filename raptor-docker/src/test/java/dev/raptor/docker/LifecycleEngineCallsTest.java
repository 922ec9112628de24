package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.EngineProxy;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one create+start+stop+remove costs in engine calls, counted at a proxy in front of the real engine, with the
 * controller, the store and the Docker runtime as raptord wires them. raptor-bench's {@code lifecycle} scenario compares
 * this round with the same one made directly with docker-java (create, start, stop, remove: 4 calls); every call
 * Raptor adds is a round trip to the engine. Each one below is needed (see the comments), and any call added later
 * fails this test until it is justified here.
 */
class LifecycleEngineCallsTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private final String node = "calls-" + UUID.randomUUID();

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    @AfterEach
    void removeWhatIsLeft() {
        try (DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            for (ContainerInfo c : runtime.listOwned(Deadline.in(HANG))) {
                runtime.remove(c.ref(), Deadline.in(HANG));
            }
        }
    }

    /** The calls of one round, by kind, in the order the lifecycle makes them: the same four docker-java's round makes. */
    private static final List<Call> ROUND = List.of(
            // start: no search by label; the fleet made this server and knows it has no container yet (one made behind
            // Raptor's back under its name would be the create's 409, which searches and adopts it). No image check
            // either: the image was inspected once (the warm-up round below) and the engine's image events, which the
            // runtime follows, have said nothing of it since (KnownImages); its labels seed the create from there too.
            new Call("POST", "/containers/create"),
            new Call("POST", "/containers/", "/start"),
            // stop: the stop policy's SIGTERM, straight to the watched container; its exit code comes with the engine's
            // die event, which the fleet already receives (no /wait for a server that stops within a moment)
            new Call("POST", "/containers/", "/kill"),
            // delete: the stopped container the controller knows, removed without a search (a 404 would search by label)
            new Call("DELETE", "/containers/", ""));
    /** Calls a round must not make: a search, an inspect, an image check, a wait for the exit. */
    private static final List<Call> NEVER = List.of(new Call("GET", "/containers/json"), new Call("GET", "/containers/", "/json"),
            new Call("GET", "/images/"), new Call("POST", "/containers/", "/wait"));

    @Test
    void aCreateStartStopRemoveRoundCostsFourEngineCallsAsDockerJavasDoes() throws Exception {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("engine.sock"), TestEngine.dockerHost());
             SqliteStore store = SqliteStore.open(dir.resolve("state"));
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(proxy.dockerHost()).withNode(node));
             // the periodic sweep (a backstop for lost events) lists the engine on its own clock, not as part of a round
             ServerFleet fleet = new ServerFleet(store, runtime, new EventBus(),
                     ControllerSettings.defaults(dir.resolve("volumes")).withObserveEvery(Duration.ofHours(1)))) {
            fleet.boot();
            // the image is asked about once, when the runtime does not know it yet (the first round of a daemon)
            round(fleet, store, runtime, 0);
            for (int round = 1; round <= 2; round++) {
                Map<Call, Long> before = counts(proxy);
                int from = proxy.requestPaths().size();
                round(fleet, store, runtime, round);
                Map<Call, Long> after = counts(proxy);

                Map<Call, Long> expected = new LinkedHashMap<>();
                ROUND.forEach(c -> expected.merge(c, 1L, Long::sum));
                NEVER.forEach(c -> expected.put(c, 0L));
                Map<Call, Long> made = new LinkedHashMap<>();
                // the removal check in round() is the test's own list
                expected.keySet().forEach(c -> made.put(c, after.get(c) - before.get(c) - (c.equals(LIST) ? 1 : 0)));
                assertThat(made).as("engine calls of round %d, by kind", round).isEqualTo(expected);
                List<EngineProxy.Request> calls = proxy.requestPaths();
                List<EngineProxy.Request> ofTheRound = calls.subList(from, calls.size()).stream()
                        .filter(r -> !OWN_CLOCK.contains(r.path())).toList();
                // minus the test's own list (the removal check)
                assertThat(ofTheRound.size() - 1).as("every engine call of round %d: %s", round, ofTheRound).isEqualTo(ROUND.size());
            }
        }
    }

    /** Creates, starts, stops (exit code told) and deletes one server through the fleet. */
    private static void round(ServerFleet fleet, SqliteStore store, DockerRuntime runtime, int round) throws Exception {
        UUID id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("calls-" + round).env("BOOT_DELAY", "0")
                .settle(Duration.ZERO).build()).id();
        assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(PowerResult.Done.class);
        assertThat(fleet.find(id).orElseThrow().state()).isEqualTo(ServerState.RUNNING);
        PowerResult stopped = fleet.power(id, PowerAction.STOP).get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(stopped).isInstanceOf(PowerResult.Done.class);
        assertThat(((PowerResult.Done) stopped).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(store.activity(id, Long.MAX_VALUE, 20)).as("the exit code (from the die event: the counts below show no /wait)")
                .anySatisfy(a -> assertThat(a.message()).contains("stopped (exit code 0)"));
        assertThat(fleet.delete(id, false).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(runtime.find(id, Deadline.in(HANG))).as("removed").isEmpty();
    }

    private static final Call LIST = NEVER.getFirst();

    /**
     * Calls the runtime makes on its own clock, not for a power action: the events stream (opened by the boot on a
     * thread of its own, so it may land in round 1 on a slow day, and reopened after a break) and the version/ping/info
     * probes of a connection.
     */
    private static final Set<String> OWN_CLOCK = Set.of("/events", "/version", "/_ping", "/info");

    private static Map<Call, Long> counts(EngineProxy proxy) {
        Map<Call, Long> out = new LinkedHashMap<>();
        for (Call c : ROUND) {
            out.put(c, c.count(proxy));
        }
        for (Call c : NEVER) {
            out.put(c, c.count(proxy));
        }
        return out;
    }

    /**
     * A kind of engine call: a method and a path that starts with {@code prefix} and (when {@code suffix} is not
     * null) ends with {@code suffix} after a container id.
     */
    private record Call(String method, String prefix, String suffix) {
        Call(String method, String prefix) {
            this(method, prefix, null);
        }

        long count(EngineProxy proxy) {
            return proxy.requestPaths().stream().filter(this::matches).count();
        }

        private boolean matches(EngineProxy.Request r) {
            if (!method.equals(r.method())) {
                return false;
            }
            String path = r.path();
            if (!path.startsWith(prefix)) {
                return false;
            }
            if (suffix == null) {
                return true;
            }
            String rest = path.substring(prefix.length());
            return !rest.equals("json") && !rest.equals("create") && rest.matches("[^/]+" + java.util.regex.Pattern.quote(suffix));
        }

        @Override
        public String toString() {
            return method + " " + prefix + (suffix == null ? "" : "{id}" + suffix);
        }
    }
}

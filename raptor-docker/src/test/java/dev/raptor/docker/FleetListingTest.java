package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing a fleet larger than the number of inspects in flight at once: every container comes back once, each with
 * its own state, exit code and times, whether it crashed, was stopped, runs or was never started.
 */
class FleetListingTest extends EngineTest {

    @Test
    void aFleetListedAtOnceKeepsEachContainersStateExitCodeAndTimes() {
        List<Console> crashed = new ArrayList<>();
        List<Console> stopped = new ArrayList<>();
        List<Console> running = new ArrayList<>();
        List<ContainerInfo> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            crashed.add(startBooted(spec().build()));
            stopped.add(startBooted(spec().build()));
        }
        for (int i = 0; i < 2; i++) {
            running.add(startBooted(spec().build()));
            created.add(create(spec().build()));
        }
        crashed.forEach(c -> runtime.sendInput(c.ref(), "crash", soon()));
        stopped.forEach(c -> runtime.signal(c.ref(), "TERM", soon()));
        crashed.forEach(c -> assertThat(runtime.awaitExit(c.ref(), Deadline.in(PATIENCE))).contains(1));
        stopped.forEach(c -> assertThat(runtime.awaitExit(c.ref(), Deadline.in(PATIENCE))).contains(0));
        Set<String> mine = new HashSet<>();
        List.of(crashed, stopped, running).forEach(l -> l.forEach(c -> mine.add(c.ref().id())));
        created.forEach(c -> mine.add(c.ref().id()));
        assertThat(mine).hasSizeGreaterThan(DockerRuntime.INSPECT_PARALLELISM);

        List<ContainerInfo> listed = runtime.listOwned(soon()).stream().filter(c -> mine.contains(c.ref().id())).toList();

        assertThat(listed).extracting(c -> c.ref().id()).containsExactlyInAnyOrderElementsOf(mine);
        Map<String, ContainerInfo> byId = listed.stream().collect(Collectors.toMap(c -> c.ref().id(), Function.identity()));
        for (Console c : crashed) {
            ContainerInfo info = byId.get(c.ref().id());
            assertThat(info.serverId()).isEqualTo(c.ref().serverId());
            assertThat(info.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(info.exitCode()).isEqualTo(1);
            assertThat(info.finishedAt()).isNotNull();
        }
        for (Console c : stopped) {
            ContainerInfo info = byId.get(c.ref().id());
            assertThat(info.serverId()).isEqualTo(c.ref().serverId());
            assertThat(info.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(info.exitCode()).isZero();
        }
        for (Console c : running) {
            ContainerInfo info = byId.get(c.ref().id());
            assertThat(info.serverId()).isEqualTo(c.ref().serverId());
            assertThat(info.status()).isEqualTo(ContainerStatus.RUNNING);
            assertThat(info.exitCode()).isNull();
            assertThat(info.startedAt()).isEqualTo(runtime.inspect(c.ref(), soon()).startedAt());
            assertThat(info.outputSince()).isNotNull();
        }
        for (ContainerInfo c : created) {
            ContainerInfo info = byId.get(c.ref().id());
            assertThat(info.serverId()).isEqualTo(c.serverId());
            assertThat(info.status()).isEqualTo(ContainerStatus.CREATED);
            assertThat(info.startedAt()).isNull();
        }
    }

    @Test
    void theStatesOfAFleetComeFromOneListingWithTheSameAnswers() {
        Console up = startBooted(spec().build());
        Console down = startBooted(spec().build());
        ContainerInfo neverStarted = create(spec().build());
        runtime.signal(down.ref(), "TERM", soon());
        assertThat(runtime.awaitExit(down.ref(), Deadline.in(PATIENCE))).contains(0);
        Set<String> mine = Set.of(up.ref().id(), down.ref().id(), neverStarted.ref().id());

        Map<String, ContainerStatus> states = runtime.listOwnedStates(soon()).stream().filter(c -> mine.contains(c.ref().id()))
                .collect(Collectors.toMap(c -> c.ref().id(), ContainerInfo::status));
        Map<String, ContainerStatus> inspected = runtime.listOwned(soon()).stream().filter(c -> mine.contains(c.ref().id()))
                .collect(Collectors.toMap(c -> c.ref().id(), ContainerInfo::status));

        assertThat(states).containsExactlyInAnyOrderEntriesOf(Map.of(up.ref().id(), ContainerStatus.RUNNING,
                down.ref().id(), ContainerStatus.EXITED, neverStarted.ref().id(), ContainerStatus.CREATED));
        assertThat(states).isEqualTo(inspected);
    }
}

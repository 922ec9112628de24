package dev.raptor.core.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerSelectionTest {
    private final UUID id = UUID.randomUUID();

    private ContainerInfo container(String containerId, String name, boolean running) {
        return new ContainerInfo(new ContainerRef(containerId, name, id), "hash",
                running ? ContainerStatus.RUNNING : ContainerStatus.EXITED, null, false, null, null, null, Map.of());
    }

    @Test
    void noContainerMeansNothingToKeepAndNothingToRemove() {
        ContainerSelection s = ContainerSelection.of(id, List.of());
        assertThat(s.keep()).isNull();
        assertThat(s.duplicates()).isEmpty();
        assertThat(s.running()).isFalse();
    }

    @Test
    void theDeterministicallyNamedContainerIsKeptEvenWhenACopyRuns() {
        ContainerInfo named = container("a", "/" + RuntimeLabels.containerName(id), false);
        ContainerInfo copy = container("b", "/raptor-copy", true);
        ContainerSelection s = ContainerSelection.of(id, List.of(copy, named));
        assertThat(s.keep()).isEqualTo(named);
        assertThat(s.duplicates()).containsExactly(copy);
    }

    @Test
    void amongContainersWithoutTheNameARunningOneIsKept() {
        ContainerInfo stopped = container("a", "x", false);
        ContainerInfo running = container("b", "y", true);
        ContainerSelection s = ContainerSelection.of(id, List.of(stopped, running));
        assertThat(s.keep()).isEqualTo(running);
        assertThat(s.running()).isTrue();
        assertThat(s.duplicates()).containsExactly(stopped);
    }
}

package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Two daemons on one engine: what each of them owns, by the node label. */
class NodeLabelTest extends EngineTest {

    @Test
    void aDaemonWithoutANodeNameNeverSeesANamedDaemonsContainersNorTheReverse() {
        String node = "node-label-test-" + UUID.randomUUID();
        try (DockerRuntime named = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            ServerSpec namedOnes = spec().build();
            ContainerInfo namedContainer = named.create(namedOnes, dataDir, soon());
            ServerSpec unnamedOnes = spec().build();
            ContainerInfo unnamedContainer = create(unnamedOnes);

            assertThat(namedContainer.labels()).containsEntry(RuntimeLabels.NODE, node);
            assertThat(unnamedContainer.labels()).doesNotContainKey(RuntimeLabels.NODE);
            // the unnamed runtime (every other test's) owns only containers without a node label
            assertThat(runtime.find(namedOnes.id(), soon())).isEmpty();
            assertThat(runtime.listOwned(soon())).extracting(c -> c.ref().id())
                    .contains(unnamedContainer.ref().id()).doesNotContain(namedContainer.ref().id());
            // the named runtime owns only its own
            assertThat(named.find(unnamedOnes.id(), soon())).isEmpty();
            assertThat(named.listOwned(soon())).extracting(c -> c.ref().id()).containsExactly(namedContainer.ref().id());
            assertThat(named.find(namedOnes.id(), soon())).extracting(c -> c.ref().id()).containsExactly(namedContainer.ref().id());
        }
    }
}

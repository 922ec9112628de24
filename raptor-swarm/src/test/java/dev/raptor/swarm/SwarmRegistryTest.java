package dev.raptor.swarm;

import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.runtime.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images reach the nodes through the swarm's registry ({@code scripts/swarm.sh}: Debian's docker-registry, which both
 * engines trust), as on a real swarm: a node that has never held a server's image pulls it when a server is placed there.
 */
class SwarmRegistryTest {
    private static final Duration HANG = Duration.ofSeconds(240);

    @TempDir
    Path tmp;
    private SwarmFleet swarm;
    private String pushed;

    @AfterEach
    void cleanUp() throws Exception {
        if (swarm != null) {
            swarm.close();
        }
        if (pushed != null) {
            TestSwarm.docker(TestSwarm.NODE_1, null, "rmi", pushed);
            TestSwarm.docker(TestSwarm.NODE_2, null, "rmi", pushed);
        }
    }

    @Test
    void aNodeThatHasNeverHeldAServersImagePullsItFromTheSwarmsRegistryWhenTheServerIsPlacedThere() throws Exception {
        // an image under a name no node has held: pushed from node 1, then gone from node 1 too, so only the registry has it
        pushed = TestSwarm.registry() + "/raptor-test/pulled:" + UUID.randomUUID().toString().substring(0, 8);
        TestSwarm.dockerOk(TestSwarm.NODE_1, "tag", TestSwarm.image(), pushed);
        TestSwarm.dockerOk(TestSwarm.NODE_1, "push", "-q", pushed);
        TestSwarm.dockerOk(TestSwarm.NODE_1, "rmi", pushed);
        assertThat(TestSwarm.docker(TestSwarm.NODE_2, null, "image", "inspect", pushed).exit()).as("node 2 lacks it").isNotZero();

        swarm = new SwarmFleet(TestSwarm.runtime("registry-" + UUID.randomUUID()), tmp, HANG);
        int port = TestSwarm.freePort();
        UUID id = swarm.fleet.create(TestSwarm.server("pulled", port, TestSwarm.NODE_2).toBuilder().image(pushed).build()).id();
        PowerResult started = swarm.fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(started).as(started.toString()).isInstanceOf(PowerResult.Done.class);
        TestSwarm.awaitGreeting(TestSwarm.NODE_2, port, "pulled", HANG);
        assertThat(swarm.runtime.find(id, Deadline.in(HANG)).getFirst().labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_2);
        assertThat(TestSwarm.docker(TestSwarm.NODE_2, null, "image", "inspect", pushed).exit()).as("node 2 pulled it").isZero();
    }
}

package dev.raptor.api.problem;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.PortInUse;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.wire.problem.PortHolder;
import dev.raptor.wire.problem.Problem;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemMapperTest {
    private final ProblemMapper mapper = new ProblemMapper(id -> Optional.empty());

    @Test
    void theEnginesRefusalOfAHostPortIsTheSamePortInUseProblemAsTheProbes() {
        UUID server = UUID.randomUUID();
        PortInUse inUse = new PortInUse(Allocation.primary("0.0.0.0", 25565, Protocol.TCP), null, null);

        Problem p = mapper.map(new EngineException.Conflict(server, "start", "Bind for 0.0.0.0:25565 failed: port is already allocated",
                null, inUse));

        assertThat(p.status()).isEqualTo(409);
        assertThat(p.type()).isEqualTo(Problem.TYPE_PREFIX + "port-in-use");
        assertThat(p.serverId()).isEqualTo(server.toString());
        assertThat(p.heldBy()).isEqualTo(new PortHolder("0.0.0.0:25565/tcp", null, null));
        assertThat(p.detail()).startsWith("0.0.0.0:25565/tcp is in use by another program (the engine says: ")
                .contains("port is already allocated");
    }

    @Test
    void anotherEngineConflictStaysAnEngineConflict() {
        Problem p = mapper.map(new EngineException.Conflict(null, "remove", "container is running", null, null));

        assertThat(p.type()).isEqualTo(Problem.TYPE_PREFIX + "engine-conflict");
        assertThat(p.heldBy()).isNull();
    }

    @Test
    void aPowerActionOnAServerWhoseNodeIsDownIsA409NodeUnavailableNamingTheServer() {
        UUID server = UUID.randomUUID();

        Problem p = mapper.map(new dev.raptor.core.power.NodeUnavailableException(server, "start"));

        assertThat(p.status()).isEqualTo(409);
        assertThat(p.type()).isEqualTo(Problem.TYPE_PREFIX + "node-unavailable");
        assertThat(p.serverId()).isEqualTo(server.toString());
        assertThat(p.detail()).contains("'start'").contains("does not answer").contains("desired state");
    }
}

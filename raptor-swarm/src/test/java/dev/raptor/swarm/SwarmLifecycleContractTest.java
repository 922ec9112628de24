package dev.raptor.swarm;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.testing.LifecycleContract;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** Core's lifecycle contract (a fleet of controllers over a real store) on the Swarm runtime, on the real two-node swarm. */
class SwarmLifecycleContractTest extends LifecycleContract {

    @Override
    protected ContainerRuntime openRuntime() {
        // Its own node label: this fleet's orphan sweep must never touch another test's services.
        return TestSwarm.runtime("contract-" + UUID.randomUUID());
    }

    @Override
    protected ServerStore openStore(Path dir) {
        return SqliteStore.open(dir);
    }

    @Override
    protected ServerSpec.Builder gameServer() {
        return ServerSpec.builder(TestSwarm.image())
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)));
    }

    @Override
    protected ServerSpec.Builder unstartable(ServerSpec.Builder spec) {
        return spec.image("raptor-test/no-such-image:1");
    }
}

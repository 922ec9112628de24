package dev.raptor.docker;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.testing.ExecContract;
import dev.raptor.core.testing.HealthContract;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** Core's exec and health contracts on the Docker runtime: the engine's exec API and its own health checks. */
class DockerContractsTest {

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    static ContainerRuntime runtime() {
        // a node label of its own: this fleet's orphan sweep must never touch another test's containers
        return DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode("contract-" + UUID.randomUUID()));
    }

    static ServerSpec.Builder game() {
        return ServerSpec.builder(TestEngine.IMAGE).readyPattern("Done!").stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)));
    }

    @Nested
    class Exec extends ExecContract {
        @Override
        protected ContainerRuntime openRuntime() {
            return runtime();
        }

        @Override
        protected ServerStore openStore(Path dir) {
            return SqliteStore.open(dir);
        }

        @Override
        protected ServerSpec.Builder gameServer() {
            return game();
        }
    }

    @Nested
    class Health extends HealthContract {
        @Override
        protected ContainerRuntime openRuntime() {
            return runtime();
        }

        @Override
        protected ServerStore openStore(Path dir) {
            return SqliteStore.open(dir);
        }

        @Override
        protected ServerSpec.Builder gameServer() {
            return game();
        }
    }
}

package dev.raptor.core.testing;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;
import java.time.Duration;

/** The exec and health contracts on the in-memory {@link FakeRuntime}, program time ten times as fast. */
class FakeContractsTest {
    static ContainerRuntime runtime() {
        FakeRuntime runtime = new FakeRuntime();
        runtime.engine().timeScale(0.1);
        return runtime;
    }

    static ServerSpec.Builder game() {
        return ServerSpec.builder(FakeRuntimeLifecycleTest.IMAGE).readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)));
    }

    @Nested
    class Exec extends ExecContract {
        @Override
        protected ContainerRuntime openRuntime() {
            return runtime();
        }

        @Override
        protected ServerStore openStore(Path dir) {
            return new MemoryStore();
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
            return new MemoryStore();
        }

        @Override
        protected ServerSpec.Builder gameServer() {
            return game();
        }
    }
}

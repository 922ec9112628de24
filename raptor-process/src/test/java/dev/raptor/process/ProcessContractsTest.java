package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.testing.ExecContract;
import dev.raptor.core.testing.HealthContract;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;

/**
 * The exec and health contracts every runtime passes, on supervised local processes and a real SqliteStore: commands
 * run as the server's user, in its cgroup, on a real pseudo-terminal; health checks run by the runtime itself.
 */
class ProcessContractsTest {

    static ContainerRuntime runtime(Path tmp) {
        TestHost.reachable(tmp);
        return ProcessRuntime.open(ProcessRuntimeConfig.at(tmp.resolve("process")));
    }

    @Nested
    class Exec extends ExecContract {
        @Override
        protected ContainerRuntime openRuntime() {
            return runtime(tmp);
        }

        @Override
        protected ServerStore openStore(Path dir) {
            return SqliteStore.open(dir);
        }

        @Override
        protected ServerSpec.Builder gameServer() {
            return TestHost.gameServer();
        }
    }

    @Nested
    class Health extends HealthContract {
        @Override
        protected ContainerRuntime openRuntime() {
            return runtime(tmp);
        }

        @Override
        protected ServerStore openStore(Path dir) {
            return SqliteStore.open(dir);
        }

        @Override
        protected ServerSpec.Builder gameServer() {
            return TestHost.gameServer();
        }
    }
}

package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.testing.LifecycleContract;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;

/** The lifecycle contract every runtime passes, run against supervised local processes and a real SqliteStore. */
class ProcessLifecycleTest extends LifecycleContract {

    @Override
    protected ContainerRuntime openRuntime() {
        TestHost.reachable(tmp);
        return ProcessRuntime.open(ProcessRuntimeConfig.at(tmp.resolve("process")));
    }

    @Override
    protected ServerStore openStore(Path dir) {
        return SqliteStore.open(dir);
    }

    @Override
    protected ServerSpec.Builder gameServer() {
        return TestHost.gameServer();
    }

    @Override
    protected ServerSpec.Builder unstartable(ServerSpec.Builder spec) {
        return spec.startup("/nonexistent/raptor-no-such-program --nogui");
    }
}

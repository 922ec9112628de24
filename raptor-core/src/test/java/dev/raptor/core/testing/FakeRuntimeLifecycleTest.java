package dev.raptor.core.testing;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The lifecycle contract on the in-memory {@link FakeRuntime}: the same suite as on Docker and on local
 * processes, in a few seconds. The fake game's boot delays run ten times as fast as the real script's
 * (the contract's own stop timeouts and backoffs stay real), and facts are polled more often than the
 * default, since they arrive in milliseconds here.
 */
class FakeRuntimeLifecycleTest extends LifecycleContract {
    static final String IMAGE = "raptor-test/gameserver:1";
    static final String MISSING_IMAGE = "raptor-test/no-such-image:1";

    @BeforeAll
    static void pollOften() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
    }

    @AfterAll
    static void pollAsUsual() {
        Awaitility.reset();
    }

    @Override
    protected ContainerRuntime openRuntime() {
        FakeRuntime runtime = new FakeRuntime();
        runtime.engine().timeScale(0.1).missingImage(MISSING_IMAGE);
        return runtime;
    }

    @Override
    protected ServerStore openStore(Path dir) {
        return new MemoryStore();
    }

    @Override
    protected ServerSpec.Builder gameServer() {
        return ServerSpec.builder(IMAGE)
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)));
    }

    @Override
    protected ServerSpec.Builder unstartable(ServerSpec.Builder spec) {
        return spec.image(MISSING_IMAGE);
    }
}

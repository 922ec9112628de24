package dev.raptor.docker;

import com.github.dockerjava.api.model.Container;
import dev.raptor.core.install.InstallException;
import dev.raptor.core.install.InstallJob;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.EngineProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An install helper whose create the engine does not answer in time, and carries out afterwards (as an engine under
 * load does): the helper it makes is removed all the same, not left in state "created" for good. The late landing is
 * made to happen on the real engine, through a proxy that holds the create's request until the installer gave up.
 */
class InstallHelperLateCreateTest {
    private static final Duration HANG = Duration.ofSeconds(180);

    @TempDir
    Path dir;
    private final String node = "late-install-" + UUID.randomUUID();
    private final ServerSpec spec = ServerSpec.builder(TestEngine.IMAGE).name("late-install").build();

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    @AfterEach
    void removeWhatIsLeft() {
        try (DockerRuntime direct = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            for (Container c : helpers(direct)) {
                direct.engineCall("cleanup", null, Deadline.in(HANG), cl -> {
                    cl.removeContainerCmd(c.getId()).withForce(true).exec();
                    return null;
                });
            }
        }
    }

    private List<Container> helpers(DockerRuntime engine) {
        return engine.engineCall("list", null, Deadline.in(HANG), c -> c.listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(RuntimeLabels.INSTALLER + "=" + spec.id(), RuntimeLabels.NODE + "=" + node)).exec());
    }

    @Test
    void aHelperWhoseCreateLandsAfterTheInstallGaveUpOnItIsRemoved() throws Exception {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("engine.sock"), TestEngine.dockerHost());
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(proxy.dockerHost()).withNode(node));
             DockerRuntime direct = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            DockerInstaller installer = new DockerInstaller(runtime, dir.resolve("scripts"));
            InstallJob job = new InstallJob(spec, new InstallScript(TestEngine.IMAGE, "sh", "echo installed"), dir.resolve("data"));
            proxy.holdNext("POST", "/containers/create");

            assertThatThrownBy(() -> installer.run(job, line -> { }, Deadline.in(HANG)))
                    .as("the create has no answer within its deadline").isInstanceOf(InstallException.class);
            assertThat(proxy.holding()).as("the create has not reached the engine yet").isTrue();
            assertThat(helpers(direct)).isEmpty();

            proxy.releaseHeld();
            await().atMost(HANG).until(proxy::heldAnswered);
            // the engine made it after the install gave up on it: the installer's second removal by name takes it
            await().atMost(HANG).untilAsserted(() -> assertThat(helpers(direct)).isEmpty());
        }
    }
}

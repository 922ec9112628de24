package dev.raptor.docker;

import dev.raptor.core.testing.HostPortsForTests;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Power verbs against the real engine: idempotency, typed failures, signals and kill. */
class LifecycleTest extends EngineTest {

    private ContainerRef missing() {
        UUID id = newServerId();
        return new ContainerRef("0123456789ab" + id.toString().replace("-", "").substring(0, 20), "raptor-" + id, id);
    }

    @Test
    void startingARunningContainerIsANoOp() {
        Console console = startBooted(spec().build());

        runtime.start(console.ref(), soon());

        assertThat(runtime.inspect(console.ref(), soon()).status()).isEqualTo(ContainerStatus.RUNNING);
    }

    @Test
    void aStartWhoseHostPortAnotherContainerPublishesIsAConflictNamingThePort() throws IOException {
        int port = HostPortsForTests.free();
        startBooted(spec().port("127.0.0.1", port).build());
        ContainerRef second = create(spec().port("127.0.0.1", port).build()).ref();

        assertThatThrownBy(() -> runtime.start(second, soon())).isInstanceOfSatisfying(EngineException.Conflict.class, e -> {
            assertThat(e.getMessage()).contains("port is already allocated");
            assertThat(e.portInUse()).hasValueSatisfying(p -> assertThat(p.allocation().hostBinding()).isEqualTo("127.0.0.1:" + port + "/tcp"));
        });
        assertThat(runtime.inspect(second, soon()).running()).isFalse();
    }

    @Test
    void theEnginesWordsForATakenPortNameIt() {
        assertThat(EngineErrors.portInUse("driver failed programming external connectivity on endpoint raptor-x (ab12): "
                + "Bind for 0.0.0.0:25565 failed: port is already allocated").allocation().hostBinding()).isEqualTo("0.0.0.0:25565/tcp");
        assertThat(EngineErrors.portInUse("driver failed programming external connectivity on endpoint raptor-x (ab12): "
                + "Error starting userland proxy: listen udp4 127.0.0.1:19132: bind: address already in use").allocation().hostBinding())
                .isEqualTo("127.0.0.1:19132/udp");
        assertThat(EngineErrors.portInUse("Bind for [::]:27015 failed: port is already allocated").allocation().hostBinding())
                .isEqualTo("[::]:27015/tcp");
        assertThat(EngineErrors.portInUse("some other conflict")).isNull();
    }

    @Test
    void killingAStoppedContainerIsANoOp() {
        ContainerRef ref = create(spec().build()).ref();

        runtime.kill(ref, soon());

        assertThat(runtime.inspect(ref, soon()).status()).isEqualTo(ContainerStatus.CREATED);
    }

    @Test
    void signallingAStoppedContainerIsANoOp() {
        ContainerRef ref = create(spec().build()).ref();

        runtime.signal(ref, "SIGTERM", soon());

        assertThat(runtime.inspect(ref, soon()).status()).isEqualTo(ContainerStatus.CREATED);
    }

    @Test
    void removingAMissingContainerIsNotFound() {
        assertThatThrownBy(() -> runtime.remove(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
    }

    @Test
    void killingAMissingContainerIsNotFound() {
        assertThatThrownBy(() -> runtime.kill(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
    }

    @Test
    void inspectingAMissingContainerIsNotFound() {
        assertThatThrownBy(() -> runtime.inspect(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
    }

    @Test
    void findAndListOwnedSeeTheServersContainer() {
        ContainerInfo c = create(spec().build());

        assertThat(runtime.find(c.serverId(), soon())).extracting(i -> i.ref().id()).containsExactly(c.ref().id());
        assertThat(runtime.listOwned(soon())).extracting(i -> i.ref().id()).contains(c.ref().id());
    }

    @Test
    void aContainerRemovedBehindTheRuntimesBackIsNoLongerFound() {
        ContainerInfo c = create(spec().build());

        docker.removeContainerCmd(c.ref().id()).withForce(true).exec();

        assertThat(runtime.find(c.serverId(), soon())).isEmpty();
    }

    @Test
    void killDuringASlowBootEndsTheContainerQuickly() {
        // a boot far longer than any wait below: an exit at all means the kill did not wait for the boot
        ContainerRef ref = create(spec().env("BOOT_DELAY", "3600").build()).ref();
        runtime.start(ref, soon());
        Console console = follow(ref);
        console.awaitLine("[Boot] Starting raptor test server (unnamed, port 25565)");

        runtime.kill(ref, soon());

        assertThat(runtime.awaitExit(ref, Deadline.in(PATIENCE))).contains(137);
    }

    @Test
    void aServerIgnoringStopSurvivesSigtermButNotKill() {
        Console console = startBooted(spec().env("IGNORE_STOP", "1").build());

        runtime.signal(console.ref(), "SIGTERM", soon());
        console.awaitLine("[Server] SIGTERM ignored (IGNORE_STOP=1)");
        assertThat(runtime.awaitExit(console.ref(), Deadline.in(Duration.ofSeconds(2)))).isEmpty();
        assertThat(runtime.inspect(console.ref(), soon()).running()).isTrue();

        runtime.kill(console.ref(), soon());
        assertThat(runtime.awaitExit(console.ref(), Deadline.in(PATIENCE))).contains(137);
    }

    @Test
    void sigtermEndsANormalServerWithExitCodeZero() {
        Console console = startBooted(spec().build());

        runtime.signal(console.ref(), "TERM", soon());

        assertThat(runtime.awaitExit(console.ref(), Deadline.in(PATIENCE))).contains(0);
        ContainerInfo after = runtime.inspect(console.ref(), soon());
        assertThat(after.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(after.exitCode()).isZero();
        assertThat(after.finishedAt()).isNotNull();
    }

    @Test
    void awaitExitIsEmptyWhileTheServerKeepsRunning() {
        Console console = startBooted(spec().build());

        assertThat(runtime.awaitExit(console.ref(), Deadline.in(Duration.ofSeconds(1)))).isEmpty();
    }

    @Test
    void inputToAServerThatIsNotRunningIsAConflict() {
        ContainerRef ref = create(spec().build()).ref();

        assertThatThrownBy(() -> runtime.sendInput(ref, "say hi", soon())).isInstanceOf(EngineException.Conflict.class);
    }

    @Test
    void consoleLinesArriveCompleteAndInOrder() {
        Console console = startBooted(spec().build());
        List<String> expected = new ArrayList<>();

        for (int i = 0; i < 100; i++) {
            runtime.sendInput(console.ref(), "say line " + i, soon());
            expected.add("[Server] line " + i);
        }

        await().atMost(PATIENCE).until(() -> console.lines().hasLine("[Server] line 99"));
        assertThat(console.lines().texts().stream().filter(t -> t.startsWith("[Server] line ")).toList())
                .containsExactlyElementsOf(expected);
    }

    @Test
    void startingOnAPortAnotherServerHoldsIsAConflict() throws IOException {
        int port = HostPortsForTests.free();
        startBooted(spec().port("127.0.0.1", port).build());
        ContainerRef second = create(spec().port("127.0.0.1", port).build()).ref();

        assertThatThrownBy(() -> runtime.start(second, soon())).isInstanceOf(EngineException.Conflict.class)
                .hasMessageContaining(Integer.toString(port));
    }

    @Test
    void aCrashIsReportedWithItsExitCode() {
        Console console = startBooted(spec().build());

        runtime.sendInput(console.ref(), "crash", soon());

        assertThat(runtime.awaitExit(console.ref(), Deadline.in(PATIENCE))).contains(1);
        assertThat(runtime.inspect(console.ref(), soon()).exitCode()).isEqualTo(1);
    }
}

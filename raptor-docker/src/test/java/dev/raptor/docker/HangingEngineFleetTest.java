package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An engine that accepts connections and never answers must not take the daemon with it: boot
 * serves anyway, an operation fails with a timeout at its deadline, and reads answer throughout.
 */
class HangingEngineFleetTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anOperationOnAnEngineThatNeverAnswersFailsWithATimeoutWhileReadsStillAnswer() throws Exception {
        try (SilentEngine engine = new SilentEngine(dir.resolve("docker.sock"), false);
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(engine.dockerHost())
                     .withStreamOpenTimeout(Duration.ofSeconds(1)));
             SqliteStore store = SqliteStore.open(dir.resolve("state"));
             EventBus bus = new EventBus();
             ServerFleet fleet = new ServerFleet(store, runtime, bus,
                     ControllerSettings.defaults(dir.resolve("volumes")).withEngineTimeout(Duration.ofSeconds(2)))) {

            ServerFleet.ReconcileReport report = assertTimeoutPreemptively(HANG, fleet::boot);
            assertThat(report.problems()).anyMatch(p -> p.contains("engine unavailable"));

            UUID id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("stuck").build()).id();
            int unansweredBefore = engine.unanswered().size();
            CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
            // A read proves it did not wait for the operation when it both begins and returns while the operation's
            // engine call is provably still blocked in the engine (received, unanswered, the operation not ended). A
            // read that waited for the operation could only return after it ended, so it would never count; a read
            // the scheduler merely ran late (load) is not counted either, but is no failure. No timer decides this:
            // each read's only bound is the hang deadline.
            int[] reads = {0};
            await("the operation ended by its deadline").pollInterval(Duration.ofMillis(50)).atMost(HANG).until(() -> {
                if (start.isDone()) {
                    return true;
                }
                if (engine.unanswered().size() == unansweredBefore) {
                    return false; // the operation's engine call has not reached the engine yet
                }
                assertTimeoutPreemptively(HANG, () -> {
                    assertThat(fleet.list()).hasSize(1);
                    assertThat(fleet.find(id)).isPresent();
                    fleet.controller(id).view();
                }, "a read hung");
                if (!start.isDone()) {
                    reads[0]++;
                }
                return false;
            });
            PowerResult result = start.get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertThat(result).isInstanceOf(PowerResult.Failed.class);
            assertThat(((PowerResult.Failed) result).reason()).containsIgnoringCase("deadline");
            assertThat(reads[0]).as("reads that answered while the operation was blocked on the engine").isGreaterThan(0);
            assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
            assertThat(runtime.inFlightCalls()).isLessThanOrEqualTo(runtime.abandonedCalls());
        }
    }
}

package dev.raptor.core.power;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BootWatchTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final Pattern DONE = Pattern.compile("Done!");
    private final UUID id = UUID.randomUUID();
    private final Instant since = Instant.parse("2025-01-01T00:00:01.000000500Z");

    private LogLine line(Instant at, String text) {
        return new LogLine(id, at, LogLine.Stream.STDOUT, text);
    }

    @Test
    void aLineOfThisRunMatchingThePatternAnywhereIsTheReadyLine() {
        assertThat(BootWatch.isReadyLine(DONE, since, line(since.plusMillis(3), "[12:00] Done! For help, type \"help\""))).isTrue();
        assertThat(BootWatch.isReadyLine(DONE, since, line(since.plusMillis(3), "Loading world"))).isFalse();
    }

    @Test
    void theLastRunsReadyLineDoesNotCountEvenWithinTheSameSecond() {
        assertThat(BootWatch.isReadyLine(DONE, since, line(since.minusNanos(1), "Done! (the old run)"))).isFalse();
    }

    @Test
    void aLineStampedExactlyWhereTheRunBeginsBelongsToIt() {
        assertThat(BootWatch.isReadyLine(DONE, since, line(since, "Done!"))).isTrue();
    }

    @Test
    void withoutAStartToCutAtEveryLineCounts() {
        assertThat(BootWatch.isReadyLine(DONE, null, line(Instant.EPOCH, "Done!"))).isTrue();
    }

    @Test
    void aBootEndsWithThisRunsReadyLineNotWithTheOneTheLastRunLeftInTheLog() throws Exception {
        try (FakeRuntime runtime = new FakeRuntime()) {
            FakeEngine engine = runtime.engine();
            ContainerRef ref = engine.container(id);
            engine.start(id);
            engine.emit(id, "Done! (the old run)");
            engine.exit(id, 0);
            Instant begins = engine.start(id);
            engine.emit(id, "[Boot] Starting");
            Operation op = new Operation(new Intent.Power(PowerAction.START));
            CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(
                    () -> new BootWatch(DONE, begins, op).await(runtime, ref, () -> Deadline.in(HANG)));
            await().atMost(HANG).until(() -> engine.openLogStreams() == 1);
            assertThat(boot).as("the old run's ready line is in the log, and does not count").isNotDone();
            engine.emit(id, "Done! For help, type \"help\"");
            assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new BootWatch.Outcome.Ready());
            await().atMost(HANG).until(() -> engine.openLogStreams() == 0);
        }
    }

    @Test
    void aServerThatExitsDuringItsBootEndsTheWaitWithHowItExited() throws Exception {
        try (FakeRuntime runtime = new FakeRuntime()) {
            FakeEngine engine = runtime.engine();
            ContainerRef ref = engine.container(id);
            Instant begins = engine.start(id);
            Operation op = new Operation(new Intent.Power(PowerAction.START));
            CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(
                    () -> new BootWatch(DONE, begins, op).await(runtime, ref, () -> Deadline.in(HANG)));
            await().atMost(HANG).until(() -> engine.openLogStreams() == 1);
            engine.exit(id, 3);
            BootWatch.Outcome outcome = boot.get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOfSatisfying(BootWatch.Outcome.Exited.class,
                    e -> assertThat(e.info().exitCode()).isEqualTo(3));
        }
    }

    @Test
    void aCancelledOperationStopsWaitingForTheBoot() throws Exception {
        try (FakeRuntime runtime = new FakeRuntime()) {
            FakeEngine engine = runtime.engine();
            ContainerRef ref = engine.container(id);
            Instant begins = engine.start(id);
            Operation op = new Operation(new Intent.Power(PowerAction.START));
            CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(
                    () -> new BootWatch(DONE, begins, op).await(runtime, ref, () -> Deadline.in(HANG)));
            await().atMost(HANG).until(() -> engine.openLogStreams() == 1);
            op.cancel(new Intent.Power(PowerAction.KILL));
            assertThatThrownBy(() -> boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(Operation.Cancelled.class);
            await().atMost(HANG).until(() -> engine.openLogStreams() == 0);
        }
    }
}

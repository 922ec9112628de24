package dev.raptor.core.power;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
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
    private static final Intent START = new Intent.Power(PowerAction.START);
    private final UUID id = UUID.randomUUID();
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }
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

    /** Boots {@code op} on the server's container, which began a run at {@code begins}, on another thread. */
    private CompletableFuture<BootWatch.Outcome> boot(Submission op, Instant begins) {
        CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(
                () -> new BootWatch(DONE, begins, op).await(runtime, engine.container(id), () -> Deadline.in(HANG)));
        await().atMost(HANG).until(() -> engine.openLogStreams() == 1);
        return boot;
    }

    @Test
    void aBootEndsWithThisRunsReadyLineNotWithTheOneTheLastRunLeftInTheLog() throws Exception {
        engine.container(id);
        engine.start(id);
        engine.emit(id, "Done! (the old run)");
        engine.exit(id, 0);
        Instant begins = engine.start(id);
        engine.emit(id, "[Boot] Starting");
        CompletableFuture<BootWatch.Outcome> boot = boot(new Submission(START), begins);
        assertThat(boot).as("the old run's ready line is in the log, and does not count").isNotDone();
        engine.emit(id, "Done! For help, type \"help\"");
        assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new BootWatch.Outcome.Ready());
        await().atMost(HANG).until(() -> engine.openLogStreams() == 0);
    }

    @Test
    void aServerThatExitsDuringItsBootEndsTheWaitWithHowItExited() throws Exception {
        engine.container(id);
        CompletableFuture<BootWatch.Outcome> boot = boot(new Submission(START), engine.start(id));
        engine.exit(id, 3);
        assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(BootWatch.Outcome.Exited.class,
                e -> assertThat(e.info().exitCode()).isEqualTo(3));
    }

    @Test
    void anExitReportsThisRunsLastLinesAndNotTheLastRunsOnes() throws Exception {
        engine.container(id);
        engine.start(id);
        engine.emit(id, "the old run's last words");
        engine.exit(id, 0);
        CompletableFuture<BootWatch.Outcome> boot = boot(new Submission(START), engine.start(id));
        for (int i = 1; i <= BootWatch.LAST_LINES + 2; i++) {
            engine.emit(id, "line " + i);
        }
        engine.emit(id, "x".repeat(BootWatch.MAX_LINE + 50));
        engine.exit(id, 2);
        assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(BootWatch.Outcome.Exited.class, e -> {
            assertThat(e.lastLines()).hasSize(BootWatch.LAST_LINES).first().isEqualTo("line 4");
            assertThat(e.lastLines()).doesNotContain("the old run's last words");
            assertThat(e.lastLines().getLast()).isEqualTo("x".repeat(BootWatch.MAX_LINE) + "…");
        });
    }

    @Test
    void withoutAReadyPatternTheBootIsOverWhenTheServerOutlastsItsSettleWindow() throws Exception {
        engine.container(id);
        Instant begins = engine.start(id);
        CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(() -> new BootWatch(null, Duration.ofMillis(300), begins,
                new Submission(START)).await(runtime, engine.container(id), () -> Deadline.in(HANG)));
        assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new BootWatch.Outcome.Ready());
        assertThat(engine.containers()).singleElement().satisfies(c -> assertThat(c.running()).isTrue());
    }

    @Test
    void withoutAReadyPatternAnExitWithinTheSettleWindowEndsTheBoot() throws Exception {
        engine.container(id);
        Instant begins = engine.start(id);
        CompletableFuture<BootWatch.Outcome> boot = CompletableFuture.supplyAsync(() -> new BootWatch(null, Duration.ofMinutes(5), begins,
                new Submission(START)).await(runtime, engine.container(id), () -> Deadline.in(HANG)));
        await().atMost(HANG).until(() -> engine.openLogStreams() == 1);
        engine.emit(id, "Done! (nobody asked)");
        engine.exit(id, 127);
        assertThat(boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(BootWatch.Outcome.Exited.class, e -> {
            assertThat(e.info().exitCode()).isEqualTo(127);
            assertThat(e.lastLines()).containsExactly("Done! (nobody asked)");
        });
    }

    @Test
    void aCancelledOperationStopsWaitingForTheBoot() {
        engine.container(id);
        Submission op = new Submission(START);
        CompletableFuture<BootWatch.Outcome> boot = boot(op, engine.start(id));
        op.cancel(new Intent.Power(PowerAction.KILL));
        assertThatThrownBy(() -> boot.get(HANG.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(Submission.Cancelled.class);
        await().atMost(HANG).until(() -> engine.openLogStreams() == 0);
    }
}

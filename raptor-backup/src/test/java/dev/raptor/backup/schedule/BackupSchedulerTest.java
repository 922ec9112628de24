package dev.raptor.backup.schedule;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BackupSchedulerTest {
    private static final Instant T0 = Instant.parse("2025-06-30T03:59:30Z");
    private static final Clock AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);

    @Test
    void aScheduleNamesItsNextTimeInTheNodesZone() {
        BackupSchedule daily = BackupSchedule.parse("0 4 * * *", ZoneOffset.UTC);
        BackupSchedule berlin = BackupSchedule.parse("0 4 * * *", ZoneId.of("Europe/Berlin"));

        assertThat(daily.next(T0)).contains(Instant.parse("2025-06-30T04:00:00Z"));
        assertThat(berlin.next(T0)).contains(Instant.parse("2025-07-01T02:00:00Z"));
        assertThat(BackupSchedule.parse("*/15 * * * 1-5", ZoneOffset.UTC).next(Instant.parse("2025-06-28T10:00:00Z")))
                .contains(Instant.parse("2025-06-30T00:00:00Z")); // a Saturday: next is Monday 00:00
    }

    @Test
    void crontabsMacrosAndIntervalsAreSchedulesToo() {
        assertThat(BackupSchedule.parse("@daily", ZoneOffset.UTC).next(T0)).contains(Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(BackupSchedule.parse("@hourly", ZoneOffset.UTC).next(T0)).contains(Instant.parse("2025-06-30T04:00:00Z"));
        assertThat(BackupSchedule.parse("@weekly", ZoneOffset.UTC).next(T0)).contains(Instant.parse("2025-07-06T00:00:00Z"));
        assertThat(BackupSchedule.parse("@every 90s", ZoneOffset.UTC).next(T0)).contains(T0.plusSeconds(90));
        assertThat(BackupSchedule.parse("@every 6h", ZoneOffset.UTC).interval()).contains(Duration.ofHours(6));
        assertThat(BackupSchedule.parse("@every 1d", ZoneOffset.UTC).next(T0)).contains(T0.plus(Duration.ofDays(1)));
        assertThat(BackupSchedule.parse("0 4 * * *", ZoneOffset.UTC).interval()).isEmpty();
    }

    @Test
    void anIntervalScheduleCountsFromTheLastBackupAndCatchesUpOnceWhenItPassed() {
        List<UUID> ran = new CopyOnWriteArrayList<>();
        BackupScheduler s = new BackupScheduler(AT_T0, ZoneOffset.UTC, Runnable::run, ran::add);
        UUID recent = UUID.randomUUID();
        UUID overdue = UUID.randomUUID();
        s.schedule(recent, BackupSchedule.parse("@every 1h", ZoneOffset.UTC), T0.minus(Duration.ofMinutes(20)));
        s.schedule(overdue, BackupSchedule.parse("@every 1h", ZoneOffset.UTC), T0.minus(Duration.ofHours(5)));

        assertThat(s.next(recent)).contains(T0.plus(Duration.ofMinutes(40)));
        assertThat(s.next(overdue)).contains(T0);
        assertThat(s.runDue(T0)).containsExactly(overdue);
        assertThat(s.next(overdue)).contains(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void aBadExpressionIsRefusedNamingIt() {
        assertThatThrownBy(() -> BackupSchedule.parse("61 * * * *", ZoneOffset.UTC)).hasMessageContaining("61 * * * *");
        assertThatThrownBy(() -> BackupSchedule.parse("every day", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupSchedule.parse(" ", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupSchedule.parse("@every 0s", ZoneOffset.UTC)).hasMessageContaining("@every 0s");
        assertThatThrownBy(() -> BackupSchedule.parse("@every 5 weeks", ZoneOffset.UTC)).hasMessageContaining("@every 5 weeks");
        assertThatThrownBy(() -> BackupSchedule.parse("@fortnightly", ZoneOffset.UTC)).hasMessageContaining("@fortnightly");
    }

    @Test
    void aDueScheduleStartsItsBackupOnTheRunnerAndMovesOn() {
        List<UUID> ran = new CopyOnWriteArrayList<>();
        BackupScheduler s = new BackupScheduler(AT_T0, ZoneOffset.UTC, Runnable::run, ran::add);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        s.schedule(a, "0 4 * * *");
        s.schedule(b, "30 4 * * *");

        assertThat(s.runDue(T0)).isEmpty();
        assertThat(s.runDue(Instant.parse("2025-06-30T04:00:00Z"))).containsExactly(a);
        assertThat(ran).containsExactly(a);
        assertThat(s.next(a)).contains(Instant.parse("2025-07-01T04:00:00Z"));
        assertThat(s.next(b)).contains(Instant.parse("2025-06-30T04:30:00Z"));
    }

    @Test
    void aStuckBackupNeitherBlocksTheSchedulerNorPilesUp() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<UUID> ran = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        // A run is over once the scheduler's own step after the backup (clearing its "running" mark) is: only then may
        // the next turn start it again. Counted here, since that step comes after anything the backup itself records.
        AtomicInteger over = new AtomicInteger();
        Executor runner = task -> pool.execute(() -> {
            try {
                task.run();
            } finally {
                over.incrementAndGet();
            }
        });
        UUID stuck = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        BackupScheduler s = new BackupScheduler(AT_T0, ZoneOffset.UTC, runner, id -> {
            ran.add(id);
            if (id.equals(stuck)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        s.schedule(stuck, "* * * * *");
        s.schedule(other, "* * * * *");

        Instant t = Instant.parse("2025-06-30T04:00:00Z");
        assertThat(s.runDue(t)).containsExactlyInAnyOrder(stuck, other);
        await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 2 && over.get() == 1); // other's run is over
        assertThat(s.runDue(t.plusSeconds(60))).containsExactly(other); // stuck skips its turn
        release.countDown();
        AtomicReference<Instant> later = new AtomicReference<>(t.plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> s.runDue(later.updateAndGet(x -> x.plusSeconds(60))).contains(stuck));
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unscheduledServersAreNotStarted() {
        List<UUID> ran = new CopyOnWriteArrayList<>();
        BackupScheduler s = new BackupScheduler(AT_T0, ZoneOffset.UTC, Runnable::run, ran::add);
        UUID a = UUID.randomUUID();
        s.schedule(a, "0 4 * * *");
        s.unschedule(a);

        assertThat(s.runDue(Instant.parse("2025-06-30T04:00:00Z"))).isEmpty();
        assertThat(s.next(a)).isEmpty();
    }

    @Test
    void theTimeKeepingThreadStartsDueBackupsAndStopsOnClose() {
        List<UUID> ran = new CopyOnWriteArrayList<>();
        // A clock a minute ahead of a schedule that was computed at T0: the thread finds it due at once.
        MutableClock clock = new MutableClock(T0);
        BackupScheduler s = new BackupScheduler(clock, ZoneOffset.UTC, Runnable::run, ran::add);
        UUID a = UUID.randomUUID();
        s.schedule(a, "0 4 * * *");
        clock.now = Instant.parse("2025-06-30T04:00:01Z");
        s.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ran.contains(a));
        } finally {
            s.close();
        }
        assertThat(s.next(a)).contains(Instant.parse("2025-07-01T04:00:00Z"));
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

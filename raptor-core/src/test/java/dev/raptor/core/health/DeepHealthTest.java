package dev.raptor.core.health;

import dev.raptor.core.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DeepHealthTest {
    @TempDir
    Path tmp;

    static NodeCheck fixed(String name, NodeCheck.Finding finding) {
        return new NodeCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Finding run(dev.raptor.core.runtime.Deadline deadline) {
                return finding;
            }
        };
    }

    @Test
    void theNodeIsAsHealthyAsItsWorstCheckAndEveryOtherCheckIsAReason() {
        HealthReport r = new DeepHealth(List.of(fixed("a", NodeCheck.Finding.healthy("fine")),
                fixed("b", NodeCheck.Finding.degraded("slow")), fixed("c", NodeCheck.Finding.healthy("fine"))), Duration.ofSeconds(5)).check();

        assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(r.reasons()).containsExactly("b: slow");
        assertThat(r.checks()).extracting(CheckResult::name).containsExactly("a", "b", "c");
    }

    @Test
    void aCheckThatHangsIsUnhealthyAtTheDeadlineAndTheReportStillComes() {
        CountDownLatch never = new CountDownLatch(1);
        NodeCheck hangs = new NodeCheck() {
            @Override
            public String name() {
                return "engine";
            }

            @Override
            public Finding run(dev.raptor.core.runtime.Deadline deadline) throws InterruptedException {
                never.await();
                return Finding.healthy("never");
            }
        };
        // long enough for the check that answers at once to be started and answer on a loaded machine
        DeepHealth health = new DeepHealth(List.of(hangs, fixed("disk", NodeCheck.Finding.healthy("ok"))), Duration.ofSeconds(5));

        HealthReport r = assertTimeoutPreemptively(Duration.ofSeconds(60), health::check);

        assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(r.reasons()).containsExactly("engine: no answer within 5000 ms");
        assertThat(health.last()).contains(r);
    }

    @Test
    void aCheckThatThrowsIsUnhealthyWithItsMessage() {
        NodeCheck store = new StoreCheck(() -> {
            throw new java.io.IOException("disk I/O error");
        }, Duration.ofSeconds(1));
        HealthReport r = new DeepHealth(List.of(store), Duration.ofSeconds(5)).check();
        assertThat(r.reasons()).containsExactly("store: cannot write: disk I/O error");
    }

    @Test
    void freeSpaceBelowTheThresholdsIsDegradedThenUnhealthy() throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        assertThat(new DiskSpaceCheck(tmp, 1024, 0).run(null).status()).isEqualTo(HealthStatus.HEALTHY);
        NodeCheck.Finding degraded = new DiskSpaceCheck(tmp, free * 4 + (1L << 40), 0).run(null);
        assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.detail()).contains("free of").contains(tmp.toString()).contains("(below");
        assertThat(new DiskSpaceCheck(tmp, Long.MAX_VALUE, free * 4 + (1L << 40)).run(null).status()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void aClockBeforeRaptorExistedIsUnhealthyAndAJumpSinceStartIsDegraded() {
        Instant notBefore = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(new ClockCheck(Clock.fixed(Instant.parse("1970-01-01T00:00:10Z"), ZoneOffset.UTC), notBefore, Duration.ofMinutes(1))
                .run(null).status()).isEqualTo(HealthStatus.UNHEALTHY);

        ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));
        ClockCheck check = new ClockCheck(clock, notBefore, Duration.ofMinutes(1));
        assertThat(check.run(null).status()).isEqualTo(HealthStatus.HEALTHY);
        clock.advance(Duration.ofHours(1));
        assertThat(check.run(null).status()).isEqualTo(HealthStatus.DEGRADED);
    }
}

package dev.raptor.core.security;

import dev.raptor.core.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FailureBackoffTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T00:00:00Z"));
    private final FailureBackoff guard = new FailureBackoff(new FailureBackoff.Settings(3, Duration.ofMinutes(10),
            Duration.ofSeconds(30), Duration.ofMinutes(2), 1000), clock);

    @Test
    void aKeyBacksOffAtItsLimitAndOnlyThatKey() {
        assertThat(guard.failed("10.0.0.1").backoffStarted()).isEmpty();
        guard.failed("10.0.0.1");
        FailureBackoff.Failure third = guard.failed("10.0.0.1");

        assertThat(third.backoffStarted()).contains(Duration.ofSeconds(30));
        assertThat(guard.blocked("10.0.0.1")).contains(Duration.ofSeconds(30));
        assertThat(guard.blocked("10.0.0.2")).isEmpty();
        assertThat(guard.blockedKeys()).isEqualTo(1);
        assertThat(guard.refusals()).isEqualTo(1);
        assertThat(guard.failures()).isEqualTo(3);
    }

    @Test
    void theBackoffEndsAndAFailureAfterItDoublesTheNextUpToTheMaximum() {
        for (int i = 0; i < 3; i++) {
            guard.failed("a");
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(guard.blocked("a")).isEmpty();
        assertThat(guard.failed("a").backoffStarted()).contains(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertThat(guard.failed("a").backoffStarted()).contains(Duration.ofSeconds(120));
        clock.advance(Duration.ofSeconds(120));
        assertThat(guard.failed("a").backoffStarted()).contains(Duration.ofSeconds(120));
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        guard.failed("a");
        guard.failed("a");
        clock.advance(Duration.ofMinutes(11));
        assertThat(guard.failed("a").failures()).isEqualTo(1);
        assertThat(guard.backoffLeft("a")).isEmpty();
    }

    @Test
    void clearingAKeyForgetsItsFailures() {
        guard.failed("a");
        guard.failed("a");
        guard.clear("a");
        assertThat(guard.failed("a").failures()).isEqualTo(1);
    }

    @Test
    void memoryStaysBoundedByDroppingKeysThatDoNotBackOff() {
        FailureBackoff small = new FailureBackoff(new FailureBackoff.Settings(2, Duration.ofMinutes(10),
                Duration.ofSeconds(30), Duration.ofMinutes(2), 10), clock);
        small.failed("blocked");
        small.failed("blocked");
        for (int i = 0; i < 100; i++) {
            small.failed("k" + i);
        }
        assertThat(small.backoffLeft("blocked")).isPresent();
    }
}

package dev.raptor.core.stats;

import dev.raptor.core.runtime.StatsSample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LastSamplesTest {
    private final UUID id = UUID.randomUUID();
    private final Instant started = Instant.parse("2025-03-14T10:15:02Z");
    private final StatsSample sample = new StatsSample(id, started.plusSeconds(5), 1_000, 2_000, 12.5, 1, 2, 3);

    @Test
    void theLatestReadingOfARunIsRemembered() {
        LastSamples last = new LastSamples(Duration.ofMinutes(5));
        last.remember(id, "c1", started, sample);
        assertThat(last.of(id, "c1", started)).hasValue(sample);
    }

    @Test
    void anotherRunOfTheServerStartsWithoutOne() {
        LastSamples last = new LastSamples(Duration.ofMinutes(5));
        last.remember(id, "c1", started, sample);
        assertThat(last.of(id, "c1", started.plusSeconds(60))).as("restarted").isEmpty();
        assertThat(last.of(id, "c2", started)).as("recreated").isEmpty();
    }

    @Test
    void aReadingOlderThanItsAgeIsNotAnsweredAndADeletedServerIsForgotten() {
        LastSamples stale = new LastSamples(Duration.ZERO);
        stale.remember(id, "c1", started, sample);
        assertThat(stale.of(id, "c1", started)).isEmpty();

        LastSamples last = new LastSamples(Duration.ofMinutes(5));
        last.remember(id, "c1", started, sample);
        last.forget(id);
        assertThat(last.of(id, "c1", started)).isEmpty();
    }
}
